//! Accessibility lint rules on Markdown content, as pure functions.
//!
//! The markdown pass calls these while it walks a page, so each warning
//! points at the line in the Markdown source. They return the message and
//! the fix; the caller adds the location.

/// A problem and how to fix it.
pub type Finding = (String, String);

/// Link texts that say nothing out of context (WCAG 2.4.4).
const VAGUE: [&str; 8] = [
    "click here",
    "here",
    "read more",
    "more",
    "this page",
    "link",
    "this link",
    "find out more",
];

/// File types that should say their type and size in the link text.
const DOWNLOADS: [&str; 9] = [
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "zip",
];

/// Alt text longer than this is hard to listen to; use a caption or the text instead.
pub const MAX_ALT: usize = 125;

/// Checks a link's text against where it goes.
pub fn link_text(text: &str, dest: &str) -> Option<Finding> {
    let t = text.trim();
    let lower = t.to_lowercase();
    if VAGUE.contains(&lower.trim_end_matches(['.', '…'])) {
        return Some((
            format!("the link text \"{t}\" does not say where the link goes"),
            "use words that make sense on their own, e.g. [the visiting policy](…)".to_string(),
        ));
    }
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return Some((
            "the link text is a bare web address".to_string(),
            "name the page instead, e.g. [Human Rights Act 1998 on legislation.gov.uk](…)"
                .to_string(),
        ));
    }
    download_text(&lower, dest)
}

fn download_text(lower: &str, dest: &str) -> Option<Finding> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_lowercase())?;
    if !DOWNLOADS.contains(&ext.as_str()) {
        return None;
    }
    let has_type = lower.contains(&ext) || (ext.starts_with("doc") && lower.contains("word"));
    let has_size = lower
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
        .any(|w| {
            let unit = w.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
            unit.len() < w.len() && ["kb", "mb", "gb"].contains(&unit)
        })
        || lower.contains(" kb")
        || lower.contains(" mb");
    (!(has_type && has_size)).then(|| {
        (
            format!("the link to a .{ext} file does not give its type and size"),
            format!(
                "add them to the link text, e.g. [Annual report ({}, 1.2 MB)](…)",
                ext.to_uppercase()
            ),
        )
    })
}

/// Checks an image's alt text.
pub fn alt_text(alt: &str, dest: &str) -> Option<Finding> {
    let alt = alt.trim();
    let file = dest.rsplit('/').next().unwrap_or(dest);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    if !alt.is_empty() && (alt.eq_ignore_ascii_case(file) || alt.eq_ignore_ascii_case(stem)) {
        return Some((
            "the alt text is the file name".to_string(),
            "describe what the image shows, e.g. ![Nurse talking with a patient at the bedside](…)"
                .to_string(),
        ));
    }
    let n = alt.chars().count();
    (n > MAX_ALT).then(|| {
        (
            format!("the alt text is {n} characters long; keep it under {MAX_ALT}"),
            "give the key point in the alt text and put the detail in the page text".to_string(),
        )
    })
}

/// Checks a heading's level against the one before it (the page title is level 1).
pub fn heading_level(previous: u8, level: u8) -> Option<Finding> {
    if level == 1 {
        return Some((
            "a second level-1 heading: the page title is already the h1".to_string(),
            "start section headings with ## instead of #".to_string(),
        ));
    }
    (level > previous + 1).then(|| {
        (
            format!("the heading skips from level {previous} to level {level}"),
            format!(
                "use {} for this heading, or add the missing level above it",
                "#".repeat(usize::from(previous) + 1)
            ),
        )
    })
}

/// Checks a table's header row: screen readers announce it with every cell.
pub fn table_header(text: &str) -> Option<Finding> {
    text.trim().is_empty().then(|| {
        (
            "the table has an empty header row".to_string(),
            "give each column a heading in the first row, e.g. | Right | Example |".to_string(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vague_and_bare_link_texts() {
        assert!(link_text("Click here", "/x/").is_some());
        assert!(link_text("read more…", "/x/").is_some());
        assert!(link_text("https://www.gov.uk/x", "https://www.gov.uk/x").is_some());
        assert!(link_text("the visiting policy", "/x/").is_none());
    }

    #[test]
    fn downloads_need_type_and_size() {
        assert!(link_text("Annual report", "/files/report.pdf").is_some());
        assert!(link_text("Annual report (PDF)", "/files/report.pdf").is_some());
        assert!(link_text("Annual report (PDF, 1.2 MB)", "/files/report.pdf").is_none());
        assert!(link_text("Slides (PowerPoint pptx, 800KB)", "/s.pptx").is_none());
        assert!(link_text("Guide", "/guide/").is_none());
    }

    #[test]
    fn alt_texts() {
        assert!(alt_text("ward-photo", "/images/ward-photo.jpg").is_some());
        assert!(alt_text(&"a".repeat(126), "/x.png").is_some());
        assert!(alt_text("A quiet ward corridor", "/x.png").is_none());
    }

    #[test]
    fn table_headers() {
        assert!(table_header("  ").is_some());
        assert!(table_header("Right").is_none());
    }

    #[test]
    fn heading_levels() {
        assert!(heading_level(1, 2).is_none());
        assert!(heading_level(2, 4).is_some());
        assert!(heading_level(3, 2).is_none());
        assert!(heading_level(2, 1).is_some());
    }
}
