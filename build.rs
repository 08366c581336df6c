//! Rebuilds the binary when the embedded theme or starter site changes:
//! `include_dir!` alone does not tell cargo to watch those folders.

fn main() {
    for path in ["themes", "content", "static", "site.toml"] {
        println!("cargo:rerun-if-changed={path}");
    }
}
