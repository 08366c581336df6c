//! English and Welsh: `tests/sites/languages` (a Welsh home, about page and
//! case study; an untranslated case study; a Welsh-only page) built under a
//! subpath, and the errors editors can make with languages.

use std::path::Path;

use crate::common::{fixture, freda, read, repo, starter, stderr};

/// Builds the fixture (or `dir`) into `dir/public` and returns that folder.
fn build(dir: &Path, args: &[&str]) -> std::path::PathBuf {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let out = freda(dir, &all);
    assert!(out.status.success(), "{}", stderr(&out));
    dir.join("public")
}

/// The first match of `start…end` in `html`, or "".
fn part<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let Some(i) = html.find(start) else {
        return "";
    };
    let j = html[i..]
        .find(end)
        .map_or(html.len(), |j| i + j + end.len());
    &html[i..j]
}

#[test]
fn welsh_pages_live_under_cy_with_their_own_chrome_and_dates() {
    let site = fixture("sites", "languages");
    let public = build(site.path(), &[]);
    let home = read(&public, "cy/index.html");
    assert!(home.contains("<html lang=\"cy\">"), "{home}");
    assert!(home.contains("<title>Gosodiad ieithoedd</title>"));
    assert!(home.contains("action=\"/hr/cy/search/\""));
    assert!(home.contains("data-search-manifest=\"/hr/search/cy/manifest.json\""));
    // `@/about.md` from Welsh leads to the Welsh translation.
    assert!(home.contains("<a href=\"/hr/cy/about/\">amdanom ni</a>"));
    let about = read(&public, "cy/about/index.html");
    assert!(about.contains("<time datetime=\"2026-03-05\">5 Mawrth 2026</time>"));
    // English links to the Welsh file by its name.
    let en_home = read(&public, "index.html");
    assert!(en_home.contains("<a href=\"/hr/cy/about/\">in Welsh</a>"));
    let term = read(&public, "cy/rights/article-8/index.html");
    assert!(term.contains("<h1>Erthygl 8: Parch at fywyd preifat a bywyd teuluol</h1>"));
    assert!(term.contains("/hr/cy/case-studies/visiting/"));
}

#[test]
fn translations_are_linked_with_hreflang_and_a_language_switcher() {
    let site = fixture("sites", "languages");
    let public = build(site.path(), &[]);
    let cy = read(&public, "cy/case-studies/visiting/index.html");
    let alternates = [
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://trust.example/hr/case-studies/visiting/\">",
        "<link rel=\"alternate\" hreflang=\"cy\" href=\"https://trust.example/hr/cy/case-studies/visiting/\">",
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://trust.example/hr/case-studies/visiting/\">",
    ];
    let en = read(&public, "case-studies/visiting/index.html");
    for a in alternates {
        assert!(cy.contains(a), "{a}");
        assert!(en.contains(a), "{a}");
    }
    assert_eq!(
        part(&en, "<nav class=\"language-switcher\"", "</nav>")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        "<nav class=\"language-switcher\" aria-label=\"Languages\"> <ul> <li><a href=\"/hr/cy/case-studies/visiting/\" hreflang=\"cy\" lang=\"cy\">Cymraeg</a></li> </ul> </nav>"
    );
    assert!(
        part(&cy, "<nav class=\"language-switcher\"", "</nav>").contains(
            "<a href=\"/hr/case-studies/visiting/\" hreflang=\"en\" lang=\"en\">English</a>"
        )
    );
    // Generated pages switch too.
    let browse = read(&public, "cy/browse/index.html");
    assert!(browse.contains("<a href=\"/hr/browse/\" hreflang=\"en\" lang=\"en\">English</a>"));
    // A Welsh-only page offers no English version.
    let only = read(&public, "cy/case-studies/welsh-only/index.html");
    assert!(!only.contains("language-switcher"));
    assert!(!public.join("case-studies/welsh-only").exists());
}

#[test]
fn an_untranslated_page_falls_back_with_a_notice_not_a_404() {
    let site = fixture("sites", "languages");
    let public = build(site.path(), &[]);
    let page = read(&public, "cy/case-studies/fair-meals/index.html");
    assert!(page.contains("<html lang=\"cy\">"));
    assert!(
        page.contains(
            "<p class=\"banner-title\">Nid yw&#39;r dudalen hon ar gael yn Gymraeg eto</p>"
        ),
        "{page}"
    );
    assert!(page.contains("<h1 lang=\"en\">Fair meals</h1>"));
    assert!(page.contains("<div class=\"content\" lang=\"en\">"));
    // Search engines are sent to the original; it is not an alternate.
    assert!(page.contains(
        "<link rel=\"canonical\" href=\"https://trust.example/hr/case-studies/fair-meals/\">"
    ));
    assert!(!page.contains("hreflang=\"cy\" href="));
    let en = read(&public, "case-studies/fair-meals/index.html");
    assert!(en.contains(
        "<a href=\"/hr/cy/case-studies/fair-meals/\" hreflang=\"cy\" lang=\"cy\">Cymraeg</a>"
    ));
    assert!(!en.contains("banner-fallback"));
    // The Welsh list marks it as English.
    let list = read(&public, "cy/case-studies/index.html");
    assert!(list.contains("<h3 class=\"card-title\" lang=\"en\"><a href=\"/hr/cy/case-studies/fair-meals/\">Fair meals</a></h3>"));
    // Fallbacks are not in the sitemap (the original is).
    let sitemap = read(&public, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://trust.example/hr/cy/case-studies/visiting/</loc>"));
    assert!(sitemap.contains("<loc>https://trust.example/hr/case-studies/fair-meals/</loc>"));
    assert!(!sitemap.contains("cy/case-studies/fair-meals"));
}

/// Each language's index holds its own pages only (the `d` shard lists
/// result cards, whose URLs say which pages are in it).
#[test]
fn each_language_has_its_own_search_index() {
    let site = fixture("sites", "languages");
    let public = build(site.path(), &[]);
    let docs = |lang: &str| -> String {
        std::fs::read_dir(public.join("search").join(lang))
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with('d'))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect()
    };
    let (en, cy) = (docs("en"), docs("cy"));
    assert!(cy.contains("cy/case-studies/visiting/") && cy.contains("cy/about/"));
    assert!(
        !cy.contains("fair-meals"),
        "a fallback is searched in its own language"
    );
    assert!(en.contains("case-studies/fair-meals/") && !en.contains("cy/"));
}

#[test]
fn a_missing_ui_string_names_the_key_and_the_language() {
    let site = fixture("sites", "languages");
    let theme = std::fs::read_to_string(repo().join("themes/default/i18n/cy.toml")).unwrap();
    let without: String = theme
        .lines()
        .filter(|l| !l.starts_with("fallback_title ="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(site.path().join("i18n/cy.toml"), without).unwrap();
    let out = freda(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "i18n/cy.toml: error: the UI strings for \"cy\" have no key `fallback_title`\n  help: add fallback_title = \"…\" to i18n/cy.toml, translating \"This page is not available in English yet\"\nerror: the site was not built: 1 error; the output folder was not changed\n"
    );
}

#[test]
fn language_mistakes_are_located_errors() {
    let site = fixture("sites", "languages");
    let root = site.path();
    std::fs::write(
        root.join("content/case-studies/fair-meals.cy.md"),
        "+++\ntitle = \"Prydau teg\"\nsummary = \"Prydau.\"\nlang = \"en\"\n+++\nTestun.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/case-studies/advice.md"),
        "+++\ntitle = \"Cyngor\"\nsummary = \"Ail gopi.\"\nlang = \"cy\"\ntranslation_key = \"language-advice\"\n+++\nTestun.\n",
    )
    .unwrap();
    let out = freda(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let got = stderr(&out);
    assert!(got.contains("content/case-studies/fair-meals.cy.md:4:8: error: lang = \"en\", but the file name says the page is in \"cy\"\n"), "{got}");
    assert!(
        got.contains("  help: remove lang (the file name is enough), or rename the file\n"),
        "{got}"
    );
    assert!(got.contains("content/case-studies/welsh-only.md:1:1: error: content/case-studies/advice.md is already the \"cy\" version of translation_key \"language-advice\"\n")
        || got.contains("content/case-studies/advice.md:1:1: error: content/case-studies/welsh-only.md is already the \"cy\" version of translation_key \"language-advice\"\n"), "{got}");
}

#[test]
fn bad_language_tables_in_site_toml_are_errors() {
    let site = fixture("sites", "languages");
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    let toml = toml.replace(
        "[languages.cy.taxonomies.rights.terms.article-8]",
        "[languages.cy.taxonomies.rights.terms.article-9]",
    ) + "\n[languages.Welsh]\nname = \"Cymraeg\"\n\n[languages.xq]\ntitle = \"?\"\n";
    std::fs::write(site.path().join("site.toml"), toml).unwrap();
    let out = freda(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let got = stderr(&out);
    for want in [
        "error: [languages.cy.taxonomies.rights.terms.article-9] translates a term that \"rights\" does not have",
        "help: did you mean \"article-8\"?",
        "error: \"Welsh\" is not a language code",
        "error: the language \"xq\" has no name",
        "help: add name = \"…\" under [languages.xq]",
    ] {
        assert!(got.contains(want), "{want}\n{got}");
    }
}

/// A relative build of both languages links between them by relative paths.
#[test]
fn relative_builds_link_across_languages() {
    let site = fixture("sites", "languages");
    let public = build(site.path(), &["--relative"]);
    let cy = read(&public, "cy/case-studies/visiting/index.html");
    assert!(
        cy.contains("href=\"../../../case-studies/visiting/index.html\" hreflang=\"en\""),
        "{}",
        part(&cy, "<nav class=\"language-switcher\"", "</nav>")
    );
    assert!(cy.contains("href=\"../../../style.css\""));
}

/// The starter ships Welsh: home, about, accessibility statement and two
/// case studies, each a real translation (not a fallback).
#[test]
fn the_starter_builds_in_english_and_welsh() {
    let site = starter();
    let public = build(site.path(), &[]);
    for page in [
        "cy/index.html",
        "cy/about/index.html",
        "cy/accessibility/index.html",
        "cy/case-studies/index.html",
    ] {
        let html = read(&public, page);
        assert!(html.contains("<html lang=\"cy\">"), "{page}");
        assert!(!html.contains("banner-fallback"), "{page} is a fallback");
    }
    let cases = std::fs::read_dir(repo().join("content/case-studies"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".cy.md"))
        .count();
    assert!(
        cases >= 3,
        "the case studies section and two case studies in Welsh"
    );
}

/// Redirects of both languages reach the server files; a fallback's
/// aliases are its own language's, not repeated.
#[test]
fn redirects_of_every_language_are_listed_once() {
    let site = fixture("sites", "languages");
    let public = build(site.path(), &[]);
    let netlify = read(&public, "_redirects");
    assert!(
        netlify.contains("/hr/hen/ymweld/ /hr/cy/case-studies/visiting/ 301\n"),
        "{netlify}"
    );
    assert_eq!(
        netlify
            .matches("/hr/old/meals/ /hr/case-studies/fair-meals/ 301\n")
            .count(),
        1,
        "{netlify}"
    );
    let apache = read(&public, ".htaccess");
    assert!(
        apache.contains("    Redirect 301 \"/hr/hen/ymweld/\" \"/hr/cy/case-studies/visiting/\"\n"),
        "{apache}"
    );
    assert!(
        apache.contains("    Redirect 301 \"/hr/old/meals/\" \"/hr/case-studies/fair-meals/\"\n"),
        "{apache}"
    );
    let page = read(&public, "hen/ymweld/index.html");
    assert!(page.contains("<html lang=\"cy\">"), "{page}");
    assert!(page.contains("url=/hr/cy/case-studies/visiting/"), "{page}");
}

/// Each language has its own feeds, in its language, without fallbacks.
#[test]
fn each_language_has_its_own_feeds() {
    let site = fixture("sites", "languages");
    let public = build(site.path(), &[]);
    let cy = read(&public, "cy/case-studies/atom.xml");
    assert!(
        cy.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"cy\">"),
        "{cy}"
    );
    assert!(
        cy.contains("<id>https://trust.example/hr/cy/case-studies/visiting/</id>"),
        "{cy}"
    );
    assert!(
        !cy.contains("fair-meals"),
        "a fallback is in its own language's feeds"
    );
    let home = read(&public, "cy/index.html");
    assert!(home.contains("href=\"/hr/cy/atom.xml\""), "{home}");
    let en = read(&public, "atom.xml");
    assert!(
        en.contains("xml:lang=\"en\"") && !en.contains("/cy/"),
        "{en}"
    );
    assert!(
        en.contains("<id>https://trust.example/hr/case-studies/fair-meals/</id>"),
        "{en}"
    );
}
