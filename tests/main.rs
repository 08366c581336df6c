//! One integration-test binary: fixture sites are copied into temporary
//! folders and built with the real `freda` binary.

#[cfg(feature = "bundle")]
mod bundle;
mod check;
mod cli;
mod cms;
mod common;
mod coverage;
mod downloads;
#[cfg(feature = "external-links")]
mod external;
mod feeds;
mod fuzz_regressions;
mod governance;
mod hostile;
mod incremental;
mod invalid;
mod languages;
mod output;
mod redirects;
#[cfg(feature = "serve")]
mod serve;
mod sites;
mod xss;
