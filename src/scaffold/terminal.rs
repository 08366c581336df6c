//! The terminal side of `freda new`'s questions: [`Answers`] with
//! `dialoguer` prompts on standard error (a list chosen with the arrow
//! keys, checkboxes ticked with Space, a line of text, yes or no).
//!
//! Every check lives in [`super::questions`]; this adapter only shows and
//! reads. Escape (or `q`) in a list stops without writing anything.
//!
//! The plain theme marks the current line with `>` and ticked ones with
//! `[x]`: dialoguer's colourful theme shows the current line of a checkbox
//! list by colour alone, which is lost with `NO_COLOR` and on a screen reader.

use anyhow::{anyhow, Result};
use dialoguer::theme::SimpleTheme;
use dialoguer::{Confirm, Input, MultiSelect, Select};

use super::questions::Answers;

/// Asks on the terminal (standard error).
#[derive(Debug, Default, Clone, Copy)]
pub struct Terminal;

/// The error when the editor stops the questions.
fn stopped() -> anyhow::Error {
    anyhow!("stopped: nothing was written")
}

impl Answers for Terminal {
    fn choose(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize> {
        Select::with_theme(&SimpleTheme)
            .with_prompt(format!("{prompt} (arrow keys, then Enter)"))
            .items(items)
            .default(default)
            .interact_opt()?
            .ok_or_else(stopped)
    }

    fn choose_many(&mut self, prompt: &str, items: &[String]) -> Result<Vec<usize>> {
        MultiSelect::with_theme(&SimpleTheme)
            .with_prompt(prompt)
            .items(items)
            .interact_opt()?
            .ok_or_else(stopped)
    }

    fn text(&mut self, prompt: &str) -> Result<String> {
        Ok(Input::<String>::with_theme(&SimpleTheme)
            .with_prompt(prompt)
            .allow_empty(true)
            .interact_text()?)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        Ok(Confirm::with_theme(&SimpleTheme)
            .with_prompt(prompt)
            .default(default)
            .interact()?)
    }

    fn tell(&mut self, message: &str) {
        eprintln!("  {message}");
    }

    fn note(&mut self, message: &str) {
        eprintln!("{message}");
    }
}
