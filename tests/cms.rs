//! The generated web CMS: `/admin/` with Decap CMS (vendored) and a
//! `config.yml` that covers every content type and field of the schema.

use serde_json::Value;

use crate::common::{fixture, freda, read, stderr};
use freda::content::PageType;

/// Builds the CMS fixture and returns its Decap configuration.
fn built_config() -> (tempfile::TempDir, Value) {
    let site = fixture("sites", "cms");
    let out = freda(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = read(&site.path().join("public"), "admin/config.yml");
    let json: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let config = serde_json::from_str(&json).expect("config.yml is JSON (which is YAML)");
    (site, config)
}

fn collection<'a>(config: &'a Value, name: &str) -> &'a Value {
    config["collections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no collection {name}"))
}

fn field<'a>(collection: &'a Value, name: &str) -> Option<&'a Value> {
    collection["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
}

#[test]
fn every_type_and_field_of_the_schema_is_in_the_config() {
    let (_site, config) = built_config();
    assert_eq!(config["backend"]["name"], "test-repo");
    for t in PageType::ALL {
        let c = collection(&config, t.name());
        assert_eq!(c["format"], "toml-frontmatter", "{}", t.name());
        assert_eq!(field(c, "type").unwrap()["default"], t.name());
        for key in [
            "title",
            "summary",
            "date",
            "last_reviewed",
            "next_review",
            "owner",
            "status",
            "source",
            "body",
        ] {
            assert!(field(c, key).is_some(), "{}: no field {key}", t.name());
        }
        // A guide is a section, which takes no tags.
        assert_eq!(
            field(c, "taxonomies").is_some(),
            t != PageType::Guide,
            "{}",
            t.name()
        );
        let (keys, required) = t.fields();
        for key in keys {
            let f = field(c, key).unwrap_or_else(|| panic!("{}: no field {key}", t.name()));
            assert_eq!(
                f["required"],
                required.contains(key),
                "{}: {key} required",
                t.name()
            );
        }
        assert_eq!(field(c, "title").unwrap()["required"], true);
    }
    let cases = collection(&config, "case-study");
    assert_eq!(cases["folder"], "content/case-studies");
    assert_eq!(collection(&config, "tool")["folder"], "content/tools");
    let guides = collection(&config, "guide");
    assert_eq!(
        (&guides["folder"], &guides["path"]),
        (&"content/guides".into(), &"{{slug}}/_index".into())
    );
    assert_eq!(
        field(cases, "organisation").unwrap()["hint"],
        "The organisation this case study is about (required)."
    );
    let tags = &field(cases, "taxonomies").unwrap()["fields"];
    assert_eq!(tags[0]["widget"], "select");
    assert_eq!(tags[0]["multiple"], true);
    assert_eq!(tags[0]["options"][0]["value"], "article-8");
    assert_eq!(
        tags[0]["options"][0]["label"],
        "Article 8: Right to respect for private and family life"
    );
    assert_eq!(tags[1]["widget"], "list", "topics is open: free words");
    let dos = field(collection(&config, "dos-donts"), "dos").unwrap();
    assert_eq!(dos["widget"], "list");
    assert_eq!(field(cases, "next_review").unwrap()["format"], "YYYY-MM-DD");
}

#[test]
fn the_admin_page_has_its_own_policy_and_the_public_pages_keep_theirs() {
    let (site, _) = built_config();
    let public = site.path().join("public");
    let admin = read(&public, "admin/index.html");
    assert!(admin.contains(&format!("content=\"{}\"", freda::cms::ADMIN_CSP)));
    assert!(admin.contains("<script src=\"decap-cms.js\"></script>"));
    assert!(public.join("admin/decap-cms.js").is_file());
    assert!(!admin.contains("https://unpkg") && !admin.contains("cdn"));
    let home = read(&public, "index.html");
    assert!(home.contains(freda::headers::CSP));
    assert!(!home.contains("unsafe-eval"));
    assert!(!read(&public, "sitemap.xml").contains("admin"));
}

#[test]
fn cms_settings_are_checked() {
    let site = fixture("sites", "cms");
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        toml.replace("backend = \"test-repo\"", "backend = \"github\""),
    )
    .unwrap();
    let out = freda(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("site.toml:6:11: error: [cms] backend \"github\" needs repo\n"),
        "{}",
        stderr(&out)
    );
}

/// The editor's guide shows the web editor's form of every type, from
/// screenshots the browser suite checks against the forms (cms.mjs).
#[test]
fn the_editors_guide_shows_every_type_s_form() {
    let root = crate::common::repo();
    let guide = std::fs::read_to_string(root.join("content/help/add-each-type.md")).unwrap();
    for t in PageType::ALL {
        let image = format!("/images/editors-guide/new-{}.png", t.name());
        assert!(
            guide.contains(&format!("]({image})")),
            "the guide does not show {image}"
        );
        let file = root.join("static").join(image.trim_start_matches('/'));
        assert!(
            file.is_file(),
            "no {}: run tools/editor-screenshots",
            file.display()
        );
    }
}
