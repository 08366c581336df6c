//! The security policy of a built site, from one place: the
//! Content-Security-Policy that every page carries in a `<meta>` element,
//! and the header files written beside the pages for hosts that can send
//! headers: `_headers` (Netlify, Cloudflare Pages), `freda-headers.conf`
//! (an nginx snippet) and `.htaccess` (Apache httpd, which also gets the 404
//! page, folder index, charset and redirects there). `freda serve` sends the
//! same headers.
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

/// The name of the Apache settings file in the output folder.
pub const APACHE_FILE: &str = ".htaccess";

/// Files at the output root that are settings for hosts or freda's own
/// marker, not pages: the nginx snippet and `.htaccess` tell the server
/// to answer 404 for them.
const NOT_PAGES: [&str; 6] = [
    "_headers",
    NGINX_SNIPPET,
    APACHE_FILE,
    crate::output::MARKER,
    crate::redirects::NETLIFY_FILE,
    crate::redirects::NGINX_FILE,
];

/// `_headers`, the nginx snippet and `.htaccess` for a site under
/// `base_path`, except those the site's `static/` folder already has
/// (`taken`): its own wins. `redirects` are `(from, to)` URL paths that
/// `.htaccess` answers with a 301.
pub fn files(
    base_path: &str,
    redirects: &[(String, String)],
    admin: bool,
    taken: impl Fn(&str) -> bool,
) -> Vec<OutputFile> {
    let mut nginx = nginx(base_path);
    let mut apache = apache(base_path, redirects);
    let mut netlify = netlify();
    if admin {
        admin_headers(base_path, (&mut netlify, &mut nginx, &mut apache));
    }
    crate::output::unless_taken(
        [
            ("_headers", netlify),
            (NGINX_SNIPPET, nginx),
            (APACHE_FILE, apache),
        ],
        taken,
    )
}

/// With the web CMS (`[cms]`), `/admin/` gets Decap's looser policy
/// ([`crate::cms::ADMIN_CSP`]) instead of the site's, in each header file;
/// the public pages keep theirs. `_headers` cannot exempt a path from a
/// `/*` rule (hosts join repeated headers), so there the public pages'
/// policy comes from their `<meta>` element alone, plus
/// `X-Frame-Options: DENY` for what `<meta>` cannot say.
fn admin_headers(base_path: &str, files: (&mut String, &mut String, &mut String)) {
    let (netlify, nginx, apache) = files;
    let policy = format!("{}; frame-ancestors 'none'", crate::cms::ADMIN_CSP);
    let site_line = format!("  Content-Security-Policy: {HEADER_CSP}\n");
    *netlify = netlify.replace(&site_line, "  X-Frame-Options: DENY\n");
    netlify.push_str(&format!(
        "# The web CMS: Decap needs eval and inline styles, so its page has a policy of its own.\n/admin/*\n  Content-Security-Policy: {policy}\n"
    ));
    nginx.push_str(&format!(
        "# The web CMS: Decap needs eval and inline styles, so its page has a policy of its own.\nlocation ^~ {base_path}admin/ {{\n"
    ));
    for (name, value) in FIELDS {
        let value = if name == "Content-Security-Policy" {
            policy.as_str()
        } else {
            value
        };
        nginx.push_str(&format!("    add_header {name} \"{value}\" always;\n"));
    }
    nginx.push_str("}\n");
    apache.push_str(&format!(
        "# The web CMS: Decap needs eval and inline styles, so its page has a policy of its own.\n\
         <IfModule mod_headers.c>\n    <If \"%{{REQUEST_URI}} =~ m#^{}admin/#\">\n        Header always set Content-Security-Policy \"{policy}\"\n    </If>\n</IfModule>\n",
        regex_escape(base_path)
    ));
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
/// header files and the output marker, which are not pages.
fn nginx(base_path: &str) -> String {
    let mut out = String::from(
        "# Security headers, written by freda build. In the server block that serves this site:\n\
         #   include /path/to/public/freda-headers.conf;\n\
         # nginx drops these in a location that has add_header lines of its own: copy the three lines there too.\n",
    );
    for (name, value) in FIELDS {
        out.push_str(&format!("add_header {name} \"{value}\" always;\n"));
    }
    for file in NOT_PAGES {
        out.push_str(&format!(
            "location = {base_path}{file} {{\n    return 404;\n}}\n"
        ));
    }
    out
}

/// The first lines of `.htaccess`: what it needs from the server.
const APACHE_INTRO: &str = "\
# Apache settings, written by freda build. Apache reads this file only where the <Directory> block of
# this folder allows it, with at least:
#   AllowOverride FileInfo Indexes Options=Indexes
# (or AllowOverride All). With AllowOverride None, Apache's default, this file is ignored: copy its
# lines into that <Directory> block instead. With an AllowOverride that lacks one of these, every
# page answers 500 (the error log names the line). Each module's lines apply only when it is loaded.
";

/// `.htaccess` for Apache httpd: the site's 404 page, `index.html` as the
/// folder index and no listings of folders without one, UTF-8 text, the
/// headers, a 404 for the files in [`NOT_PAGES`] and any `.ht*` file, and
/// a 301 for each `(from, to)` of `redirects`.
fn apache(base_path: &str, redirects: &[(String, String)]) -> String {
    let mut out = String::from(APACHE_INTRO);
    out.push_str(&format!("ErrorDocument 404 {base_path}404.html\n"));
    out.push_str("<IfModule mod_autoindex.c>\n    Options -Indexes\n</IfModule>\n");
    out.push_str("<IfModule mod_dir.c>\n    DirectoryIndex index.html\n</IfModule>\n");
    out.push_str(
        "<IfModule mod_mime.c>\n    AddCharset utf-8 .html .css .js .json .xml .txt .svg\n</IfModule>\n",
    );
    out.push_str("<IfModule mod_headers.c>\n");
    for (name, value) in FIELDS {
        out.push_str(&format!("    Header always set {name} \"{value}\"\n"));
    }
    out.push_str("</IfModule>\n<IfModule mod_alias.c>\n");
    let not_pages = format!(
        "^{}({}|(.*/)?[.]ht[^/]*)$",
        regex_escape(base_path),
        NOT_PAGES.map(regex_escape).join("|")
    );
    out.push_str(&format!(
        "    RedirectMatch 404 {}\n",
        apache_quoted(&not_pages)
    ));
    out.push_str(&apache_redirects(redirects));
    out.push_str("</IfModule>\n");
    out
}

/// One `Redirect 301 "from" "to"` line per old address (each `from` is a
/// URL path with the base path, as a visitor would request it).
fn apache_redirects(redirects: &[(String, String)]) -> String {
    redirects
        .iter()
        .map(|(from, to)| {
            format!(
                "    Redirect 301 {} {}\n",
                apache_quoted(from),
                apache_quoted(to)
            )
        })
        .collect()
}

/// `text` between double quotes for an Apache config file.
fn apache_quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `text` as a regular expression that matches it literally: punctuation in
/// a bracket (`.` becomes `[.]`, which needs no backslash in a config file),
/// and a backslash before the three characters a bracket cannot hold.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '^' | ']' => out.extend(['\\', c]),
            c if c.is_ascii_punctuation() && !"/-_~%".contains(c) => out.extend(['[', c, ']']),
            c => out.push(c),
        }
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
        let files = files("/hr/", &[], false, |_| false);
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
            "\nadd_header Content-Security-Policy \"{HEADER_CSP}\" always;\nadd_header X-Content-Type-Options \"nosniff\" always;\nadd_header Referrer-Policy \"same-origin\" always;\nlocation = /hr/_headers {{\n    return 404;\n}}\nlocation = /hr/freda-headers.conf {{\n    return 404;\n}}\nlocation = /hr/.htaccess {{\n    return 404;\n}}\nlocation = /hr/.freda-output {{\n    return 404;\n}}\nlocation = /hr/_redirects {{\n    return 404;\n}}\nlocation = /hr/freda-redirects.conf {{\n    return 404;\n}}\n"
        )), "{nginx}");
        let apache = text(".htaccess");
        assert!(apache.contains(&format!(
            "<IfModule mod_headers.c>\n    Header always set Content-Security-Policy \"{HEADER_CSP}\"\n    Header always set X-Content-Type-Options \"nosniff\"\n    Header always set Referrer-Policy \"same-origin\"\n</IfModule>\n"
        )), "{apache}");
    }

    #[test]
    fn htaccess_has_the_404_page_index_charset_denials_and_redirects() {
        let redirects = [
            (
                "/hr/old-guide/".to_string(),
                "/hr/guides/framework/".to_string(),
            ),
            (
                "/hr/a \"quoted\" name/".to_string(),
                "/hr/about/".to_string(),
            ),
        ];
        let text = apache("/hr/", &redirects);
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        let csp = format!("    Header always set Content-Security-Policy \"{HEADER_CSP}\"");
        assert_eq!(
            lines,
            [
                "ErrorDocument 404 /hr/404.html",
                "<IfModule mod_autoindex.c>",
                "    Options -Indexes",
                "</IfModule>",
                "<IfModule mod_dir.c>",
                "    DirectoryIndex index.html",
                "</IfModule>",
                "<IfModule mod_mime.c>",
                "    AddCharset utf-8 .html .css .js .json .xml .txt .svg",
                "</IfModule>",
                "<IfModule mod_headers.c>",
                &csp,
                "    Header always set X-Content-Type-Options \"nosniff\"",
                "    Header always set Referrer-Policy \"same-origin\"",
                "</IfModule>",
                "<IfModule mod_alias.c>",
                "    RedirectMatch 404 \"^/hr/(_headers|freda-headers[.]conf|[.]htaccess|[.]freda-output|_redirects|freda-redirects[.]conf|(.*/)?[.]ht[^/]*)$\"",
                "    Redirect 301 \"/hr/old-guide/\" \"/hr/guides/framework/\"",
                "    Redirect 301 \"/hr/a \\\"quoted\\\" name/\" \"/hr/about/\"",
                "</IfModule>",
            ]
        );
        assert!(text.starts_with("# Apache settings, written by freda build."));
        assert!(text.contains("\n#   AllowOverride FileInfo Indexes Options=Indexes\n"));
        assert!(!apache("/", &[]).contains("Redirect 301"));
    }

    #[test]
    fn the_cms_page_gets_its_own_policy_in_every_header_file() {
        let files = files("/hr/", &[], true, |_| false);
        let text = |name: &str| {
            let f = files.iter().find(|f| f.path == name).expect(name);
            String::from_utf8(f.contents.clone()).unwrap()
        };
        let admin = format!("{}; frame-ancestors 'none'", crate::cms::ADMIN_CSP);
        let netlify = text("_headers");
        assert!(
            !netlify.contains(HEADER_CSP),
            "hosts would join the two policies: {netlify}"
        );
        assert!(
            netlify.contains("/*\n  X-Frame-Options: DENY\n"),
            "{netlify}"
        );
        assert!(
            netlify.ends_with(&format!("/admin/*\n  Content-Security-Policy: {admin}\n")),
            "{netlify}"
        );
        let nginx = text("freda-headers.conf");
        assert!(nginx.contains(&format!(
            "add_header Content-Security-Policy \"{HEADER_CSP}\" always;\n"
        )));
        assert!(nginx.contains(&format!("location ^~ /hr/admin/ {{\n    add_header Content-Security-Policy \"{admin}\" always;\n    add_header X-Content-Type-Options \"nosniff\" always;\n")), "{nginx}");
        let apache = text(".htaccess");
        assert!(apache.contains(&format!("    <If \"%{{REQUEST_URI}} =~ m#^/hr/admin/#\">\n        Header always set Content-Security-Policy \"{admin}\"\n")), "{apache}");
        let plain: String = super::files("/hr/", &[], false, |_| false)
            .into_iter()
            .map(|f| String::from_utf8(f.contents).unwrap())
            .collect();
        assert!(!plain.contains("admin/"), "no CMS, no admin rules");
    }

    #[test]
    fn base_paths_become_literal_patterns() {
        assert_eq!(regex_escape("/hr/"), "/hr/");
        assert_eq!(regex_escape("/v1.2/a+b/"), "/v1[.]2/a[+]b/");
        assert_eq!(regex_escape("/x(y)|^z]\\/"), "/x[(]y[)][|]\\^z\\]\\\\/");
        assert_eq!(regex_escape("/größe-_~%20/"), "/größe-_~%20/");
        assert_eq!(apache_quoted("a\\b\"c"), "\"a\\\\b\\\"c\"");
    }

    #[test]
    fn a_site_s_own_header_file_wins() {
        let files = files("/", &[], false, |p| p == "_headers");
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["freda-headers.conf", ".htaccess"]);
    }
}
