//! HTTP/1.1 on the wire, as pure functions: the head of a request in (parsed
//! by httparse), a whole response out. The preview server only answers GET
//! and HEAD, so requests never have a body it needs to read.

/// The largest request head read; browsers send well under 8 KiB.
pub const MAX_HEAD: usize = 16 * 1024;
/// Header fields parsed at most.
const MAX_HEADERS: usize = 64;

/// The parts of a request the server uses.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    /// `GET`, `HEAD`, …
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// Whether the client wants the connection kept open after the response.
    pub keep_alive: bool,
    /// Whether a body follows (which the server does not read, so it closes).
    pub has_body: bool,
    /// The `Host` field, lower-case, if sent.
    pub host: Option<String>,
}

/// Parses a complete request head (request line and header fields, up to
/// the blank line); `None` when it is not valid HTTP/1.x.
pub fn parse_head(buf: &[u8]) -> Option<Head> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut fields);
    if !request.parse(buf).ok()?.is_complete() {
        return None;
    }
    let field = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    let connection = field("connection").unwrap_or_default();
    let keep_alive = match request.version? {
        1 => !connection.contains("close"),
        _ => connection.contains("keep-alive"),
    };
    let length = field("content-length").map_or(Some(0), |v| v.trim().parse::<u64>().ok());
    let has_body = length != Some(0) || field("transfer-encoding").is_some();
    Some(Head {
        method: request.method?.to_string(),
        target: request.path?.to_string(),
        keep_alive,
        has_body,
        host: field("host"),
    })
}

/// A response, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Header fields besides `Content-Length` and `Connection`.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A response with a body of type `content_type`, cached as `cache`.
    /// Pages get the built site's security headers ([`crate::headers::FIELDS`]),
    /// everything else `X-Content-Type-Options: nosniff`.
    pub fn new(status: u16, content_type: &str, cache: &str, body: Vec<u8>) -> Reply {
        let mut headers = vec![
            ("Content-Type", content_type.to_string()),
            ("Cache-Control", cache.to_string()),
        ];
        if content_type.starts_with("text/html") {
            headers.extend(crate::headers::FIELDS.map(|(name, value)| (name, value.to_string())));
        } else {
            headers.push(("X-Content-Type-Options", "nosniff".to_string()));
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    /// The same response with another Content-Security-Policy.
    pub fn with_policy(mut self, policy: &str) -> Reply {
        for (name, value) in &mut self.headers {
            if *name == "Content-Security-Policy" {
                *value = policy.to_string();
            }
        }
        self
    }

    /// A short plain-text response.
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            "no-cache",
            body.as_bytes().to_vec(),
        )
    }

    /// Adds a header field; bytes outside printable ASCII are percent-encoded
    /// (a `Location` may repeat a path that a client sent unencoded).
    pub fn with_header(mut self, name: &'static str, value: &str) -> Reply {
        let mut ascii = String::with_capacity(value.len());
        for b in value.bytes() {
            if (0x20..0x7f).contains(&b) {
                ascii.push(char::from(b));
            } else {
                ascii.push_str(&format!("%{b:02X}"));
            }
        }
        self.headers.push((name, ascii));
        self
    }

    /// The response as sent: without its body for a HEAD request, and with
    /// `Connection: close` when the server closes the connection after it.
    pub fn to_bytes(&self, head_only: bool, close: bool) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        if close {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

/// The head of the never-ending `text/event-stream` response for live reload.
pub const EVENT_STREAM_HEAD: &str = "HTTP/1.1 200 OK\r\n\
    Content-Type: text/event-stream; charset=utf-8\r\n\
    Cache-Control: no-cache\r\n\
    X-Content-Type-Options: nosniff\r\n\
    Connection: close\r\n\r\n";

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_page_can_carry_another_policy() {
        let page = Reply::new(200, "text/html; charset=utf-8", "no-cache", Vec::new())
            .with_policy("default-src 'self'; script-src 'self' 'unsafe-eval'");
        let csp: Vec<&String> = page
            .headers
            .iter()
            .filter(|(n, _)| *n == "Content-Security-Policy")
            .map(|(_, v)| v)
            .collect();
        assert_eq!(csp, ["default-src 'self'; script-src 'self' 'unsafe-eval'"]);
    }

    use super::*;

    #[test]
    fn a_request_head_is_parsed() {
        let head =
            parse_head(b"GET /library/a/?q=1 HTTP/1.1\r\nHost: LocalHost:1111\r\n\r\n").unwrap();
        assert_eq!(
            head,
            Head {
                method: "GET".into(),
                target: "/library/a/?q=1".into(),
                keep_alive: true,
                has_body: false,
                host: Some("localhost:1111".into()),
            }
        );
    }

    #[test]
    fn keep_alive_follows_the_version_and_connection_field() {
        let alive = |raw: &str| parse_head(raw.as_bytes()).unwrap().keep_alive;
        assert!(!alive("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n"));
        assert!(!alive("GET / HTTP/1.0\r\n\r\n"));
        assert!(alive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    }

    #[test]
    fn bodies_and_broken_heads_are_noticed() {
        let body = |raw: &str| parse_head(raw.as_bytes()).unwrap().has_body;
        assert!(body("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n"));
        assert!(body(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        ));
        assert!(body("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"));
        assert!(!body("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
        assert_eq!(parse_head(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(parse_head(b"nonsense\r\n\r\n"), None);
    }

    #[test]
    fn a_reply_is_written_with_its_length() {
        let reply = Reply::text(404, "gone\n").with_header("Location", "/caf\u{e9}/");
        let text = String::from_utf8(reply.to_bytes(false, true)).unwrap();
        assert_eq!(
            text,
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-cache\r\n\
             X-Content-Type-Options: nosniff\r\nLocation: /caf%C3%A9/\r\nContent-Length: 5\r\nConnection: close\r\n\r\ngone\n"
        );
        let page = Reply::new(200, "text/html; charset=utf-8", "no-cache", Vec::new());
        let text = String::from_utf8(page.to_bytes(true, false)).unwrap();
        assert!(
            text.contains(&format!(
                "\r\nContent-Security-Policy: {}\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: same-origin\r\n",
                crate::headers::HEADER_CSP
            )),
            "{text}"
        );
        let head_only = String::from_utf8(reply.to_bytes(true, false)).unwrap();
        assert!(
            head_only.ends_with("Content-Length: 5\r\n\r\n"),
            "{head_only}"
        );
    }
}
