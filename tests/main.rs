//! One integration-test binary: fixture sites are copied into temporary
//! folders and built with the real `freda` binary.

mod cli;
mod common;
mod invalid;
mod sites;
