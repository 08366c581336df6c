//! freda: a static site generator for human-rights-in-healthcare resource libraries.
//!
//! The pipeline runs one way: [`config`] → [`content`] → [`markdown`] →
//! [`render`] → [`output`]. Each stage is a module that hands plain data to
//! the next; nothing is global.

pub mod build;
pub mod bundle;
pub mod check;
pub mod cms;
pub mod config;
pub mod content;
pub mod coverage;
pub mod diagnostics;
pub mod downloads;
#[cfg(feature = "external-links")]
pub mod external;
pub mod feeds;
#[doc(hidden)]
pub mod fuzzing;
pub mod governance;
pub mod headers;
pub mod incremental;
pub mod languages;
pub mod lint;
pub mod markdown;
pub mod output;
pub mod portable;
pub mod readability;
pub mod redirects;
pub mod relative;
pub mod render;
pub mod sanitize;
pub mod scaffold;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod sitelinks;
pub mod starter;
pub mod templates;
