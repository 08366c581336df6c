//! The security policy of a built site, from one place: the
//! Content-Security-Policy that every page carries in a `<meta>` element,
//! and the header files written beside the pages for hosts that can send
//! headers: `_headers` (Netlify, Cloudflare Pages) and `freda-headers.conf`
//! (an nginx snippet). `freda serve` sends the same headers.
//!
//! The headers add what a `<meta>` element cannot say: `frame-ancestors`
//! (browsers ignore it in `<meta>`), `X-Content-Type-Options: nosniff`, and
//! `Referrer-Policy: same-origin`, which tells other sites nothing about
//! where a visitor came from (a visit to a human-rights-in-care library can
//! be private), while the site's own logs still see the page before.

use crate::output::OutputFile;

/// The policy's directives, as one literal, for [`CSP`] and [`HEADER_CSP`].
macro_rules! policy {
    () => {
        "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
    };
}

/// The pages' Content-Security-Policy: scripts, styles, images, fonts and
/// requests from the site itself only; no inline script or style, no
/// `eval`, no plugins, no `<base>` pointing elsewhere, forms only to the site.
pub const CSP: &str = policy!();

/// [`CSP`] as a header, which also forbids other sites to frame the pages.
pub const HEADER_CSP: &str = concat!(policy!(), "; frame-ancestors 'none'");

/// Where links to other sites may say they came from: only to this site.
pub const REFERRER_POLICY: &str = "same-origin";

/// The header fields every response of the site should carry.
pub const FIELDS: [(&str, &str); 3] = [
    ("Content-Security-Policy", HEADER_CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", REFERRER_POLICY),
];

/// The name of the nginx snippet in the output folder.
pub const NGINX_SNIPPET: &str = "freda-headers.conf";

/// `_headers` and the nginx snippet for a site under `base_path`, except
/// those the site's `static/` folder already has (`taken`): its own wins.
pub fn files(base_path: &str, taken: impl Fn(&str) -> bool) -> Vec<OutputFile> {
    [("_headers", netlify()), (NGINX_SNIPPET, nginx(base_path))]
        .into_iter()
        .filter(|(path, _)| !taken(path))
        .map(|(path, text)| OutputFile {
            path: path.to_string(),
            contents: text.into_bytes(),
        })
        .collect()
}

/// `_headers` in the format of Netlify and Cloudflare Pages, which read it
/// instead of publishing it.
fn netlify() -> String {
    let mut out = String::from(
        "# Security headers, written by freda build (Netlify and Cloudflare Pages read this file).\n/*\n",
    );
    for (name, value) in FIELDS {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    out
}

/// An nginx snippet for the `server` block that serves the site: the
/// headers (`always`, so error pages get them too), and a 404 for the
/// header and redirect files, which are not pages.
fn nginx(base_path: &str) -> String {
    let mut out = String::from(
        "# Security headers, written by freda build. In the server block that serves this site:\n\
         #   include /path/to/public/freda-headers.conf;\n\
         # nginx drops these in a location that has add_header lines of its own: copy the three lines there too.\n",
    );
    for (name, value) in FIELDS {
        out.push_str(&format!("add_header {name} \"{value}\" always;\n"));
    }
    let redirects = [crate::redirects::NETLIFY_FILE, crate::redirects::NGINX_FILE];
    for file in ["_headers", NGINX_SNIPPET].into_iter().chain(redirects) {
        out.push_str(&format!(
            "location = {base_path}{file} {{\n    return 404;\n}}\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_nothing_inline() {
        for policy in [CSP, HEADER_CSP] {
            assert!(policy.starts_with("default-src 'self';"));
            assert!(!policy.contains("unsafe-"), "{policy}");
            assert!(!policy.contains("data:"), "{policy}");
            assert!(!policy.contains('"'), "{policy}");
        }
        assert!(!CSP.contains("frame-ancestors"));
        assert_eq!(HEADER_CSP, format!("{CSP}; frame-ancestors 'none'"));
    }

    #[test]
    fn header_files_carry_the_same_fields() {
        let files = files("/hr/", |_| false);
        let text = |name: &str| {
            let f = files.iter().find(|f| f.path == name).expect(name);
            String::from_utf8(f.contents.clone()).unwrap()
        };
        assert_eq!(
            text("_headers"),
            format!("# Security headers, written by freda build (Netlify and Cloudflare Pages read this file).\n/*\n  Content-Security-Policy: {HEADER_CSP}\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: same-origin\n")
        );
        let nginx = text("freda-headers.conf");
        assert!(nginx.contains(&format!(
            "\nadd_header Content-Security-Policy \"{HEADER_CSP}\" always;\nadd_header X-Content-Type-Options \"nosniff\" always;\nadd_header Referrer-Policy \"same-origin\" always;\nlocation = /hr/_headers {{\n    return 404;\n}}\nlocation = /hr/freda-headers.conf {{\n    return 404;\n}}\nlocation = /hr/_redirects {{\n    return 404;\n}}\nlocation = /hr/freda-redirects.conf {{\n    return 404;\n}}\n"
        )), "{nginx}");
    }

    #[test]
    fn a_site_s_own_header_file_wins() {
        let files = files("/", |p| p == "_headers");
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["freda-headers.conf"]);
    }
}
