//! Serialising index files: `<` escaping, content hashes and the `.js` twins
//! that let the client load the index over `file://` with `<script src>`.

use serde::Serialize;

use super::SearchFile;

/// Global object the `.js` twins assign into. Mirrored in search.js.
pub const JS_REGISTRY: &str = "__fredaSearch";

/// JSON text that is also safe inside a `<script>` element: `<`, U+2028 and
/// U+2029 are written as `\u` escapes (they can only occur inside strings).
pub fn to_safe_json<T: Serialize>(value: &T) -> String {
    make_safe(serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned()))
}

/// [`to_safe_json`] for JSON text already written.
pub fn make_safe(json: String) -> String {
    if !json.contains(['<', '\u{2028}', '\u{2029}']) {
        return json;
    }
    json.replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// 32-bit FNV-1a-64-derived content hash, as 8 hex digits.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:08x}", (h ^ (h >> 32)) & 0xffff_ffff)
}

/// Collects the files of one language folder, `search/<dir>/`.
pub struct Emitter<'a> {
    /// The language folder name, e.g. "en".
    pub dir: String,
    /// Whether to write `.js` twins.
    pub with_js: bool,
    /// Where files go.
    pub files: &'a mut Vec<SearchFile>,
}

impl Emitter<'_> {
    /// Writes `<stem>.<hash>.json` (and its `.js` twin); returns its name
    /// without folder, e.g. "t3.3f9c1e2a.json", and the hash.
    pub fn emit(&mut self, stem: &str, json: String) -> (String, String) {
        let hash = content_hash(json.as_bytes());
        let name = format!("{stem}.{hash}");
        self.emit_named(&name, json);
        (format!("{name}.json"), hash)
    }

    /// Writes `<name>.json` (and its `.js` twin); `name` includes the hash.
    pub fn emit_named(&mut self, name: &str, json: String) {
        if self.with_js {
            let key = format!("{}/{name}", self.dir);
            let js = format!(
                "window.{JS_REGISTRY}=window.{JS_REGISTRY}||{{}};window.{JS_REGISTRY}[\"{key}\"]={json};\n"
            );
            self.push(&format!("{name}.js"), js);
        }
        self.push(&format!("{name}.json"), json);
    }

    fn push(&mut self, name: &str, contents: String) {
        self.files.push(SearchFile {
            path: format!("search/{}/{name}", self.dir),
            contents: contents.into_bytes(),
        });
    }
}

/// A safe folder name for a language code: lower-case ASCII letters, digits
/// and '-', or "und".
pub fn lang_dir(lang: &str) -> String {
    let dir: String = lang
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let dir = dir.trim_matches('-');
    if dir.is_empty() {
        "und".to_owned()
    } else {
        dir.to_owned()
    }
}
