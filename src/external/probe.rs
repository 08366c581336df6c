//! Checks one URL: HEAD first (GET when the server refuses HEAD), redirects
//! followed by hand so loops are named, one retry after a network error.

use super::fetch::{Fetch, Method, NetError, Reply};

/// Redirects followed before a link counts as broken.
pub const MAX_REDIRECTS: usize = 5;

/// The result of checking one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It answered with a success (after any redirects).
    Ok,
    /// It answered with this 4xx or 5xx status.
    Status(u16),
    /// Its redirects come back to an address already visited.
    RedirectLoop,
    /// It redirected more than [`MAX_REDIRECTS`] times.
    TooManyRedirects,
    /// No answer, twice.
    Net(NetError),
}

/// Checks `url`, trying once more after a network error (not after a bad status).
pub fn check_url(fetch: &dyn Fetch, url: &str) -> Outcome {
    match check_once(fetch, url) {
        Outcome::Net(e) if e.is_transient() => check_once(fetch, url),
        other => other,
    }
}

fn check_once(fetch: &dyn Fetch, url: &str) -> Outcome {
    let mut visited = vec![url.to_string()];
    loop {
        let current = visited.last().map_or(url, String::as_str);
        let reply = match head_then_get(fetch, current) {
            Ok(r) => r,
            Err(e) => return Outcome::Net(e),
        };
        let Some(next) = redirect_target(current, &reply) else {
            return match reply.status {
                400.. => Outcome::Status(reply.status),
                _ => Outcome::Ok,
            };
        };
        if visited.contains(&next) {
            return Outcome::RedirectLoop;
        }
        if visited.len() > MAX_REDIRECTS {
            return Outcome::TooManyRedirects;
        }
        visited.push(next);
    }
}

/// HEAD, then GET when the server answers 405 Method Not Allowed or 501 Not Implemented.
fn head_then_get(fetch: &dyn Fetch, url: &str) -> Result<Reply, NetError> {
    let reply = fetch.fetch(Method::Head, url)?;
    if matches!(reply.status, 405 | 501) {
        fetch.fetch(Method::Get, url)
    } else {
        Ok(reply)
    }
}

/// Where a redirect reply points, as an absolute URL without its fragment.
fn redirect_target(current: &str, reply: &Reply) -> Option<String> {
    if !matches!(reply.status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = reply.location.as_deref()?.trim();
    let joined = join(current, location);
    Some(match joined.split_once('#') {
        Some((before, _)) => before.to_string(),
        None => joined,
    })
}

/// Resolves a `Location` header against the URL that sent it.
pub fn join(base: &str, location: &str) -> String {
    let lower = location.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    if let Some(net_path) = location.strip_prefix("//") {
        return format!("{scheme}://{net_path}");
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = &base[..scheme.len() + 3 + authority_end];
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path = &rest[authority_end..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    if location.starts_with('?') {
        return format!("{origin}{path}{location}");
    }
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("{origin}{dir}{location}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// A fake web: a route is either a status with an optional location, or a network error.
    #[derive(Default)]
    struct Fake {
        routes: HashMap<(Method, String), Result<Reply, NetError>>,
        log: Mutex<Vec<(Method, String)>>,
    }

    impl Fake {
        fn on(mut self, m: Method, url: &str, status: u16, location: Option<&str>) -> Fake {
            let reply = Reply {
                status,
                location: location.map(str::to_string),
            };
            self.routes.insert((m, url.to_string()), Ok(reply));
            self
        }
        fn fail(mut self, url: &str, e: NetError) -> Fake {
            self.routes.insert((Method::Head, url.to_string()), Err(e));
            self
        }
        fn log(&self) -> Vec<(Method, String)> {
            self.log.lock().unwrap().clone()
        }
    }

    impl Fetch for Fake {
        fn fetch(&self, method: Method, url: &str) -> Result<Reply, NetError> {
            self.log.lock().unwrap().push((method, url.to_string()));
            self.routes
                .get(&(method, url.to_string()))
                .cloned()
                .unwrap_or(Ok(Reply {
                    status: 404,
                    location: None,
                }))
        }
    }

    use Method::{Get, Head};

    #[test]
    fn a_good_link_needs_one_head() {
        let f = Fake::default().on(Head, "https://a.example/", 200, None);
        assert_eq!(check_url(&f, "https://a.example/"), Outcome::Ok);
        assert_eq!(f.log(), [(Head, "https://a.example/".to_string())]);
    }

    #[test]
    fn head_refused_falls_back_to_get() {
        for refused in [405, 501] {
            let f = Fake::default()
                .on(Head, "https://a.example/x", refused, None)
                .on(Get, "https://a.example/x", 200, None);
            assert_eq!(check_url(&f, "https://a.example/x"), Outcome::Ok);
            assert_eq!(
                f.log(),
                [
                    (Head, "https://a.example/x".to_string()),
                    (Get, "https://a.example/x".to_string())
                ]
            );
        }
    }

    #[test]
    fn a_404_is_not_retried_or_fetched_with_get() {
        let f = Fake::default();
        assert_eq!(
            check_url(&f, "https://a.example/gone"),
            Outcome::Status(404)
        );
        assert_eq!(f.log().len(), 1);
    }

    #[test]
    fn network_errors_are_retried_once() {
        let f = Fake::default().fail("https://slow.example/", NetError::Timeout);
        assert_eq!(
            check_url(&f, "https://slow.example/"),
            Outcome::Net(NetError::Timeout)
        );
        assert_eq!(f.log().len(), 2);
        let f = Fake::default().fail("bad", NetError::BadUrl("no host".into()));
        assert_eq!(
            check_url(&f, "bad"),
            Outcome::Net(NetError::BadUrl("no host".into()))
        );
        assert_eq!(f.log().len(), 1, "a bad URL is not retried");
    }

    #[test]
    fn redirects_are_followed_to_the_end() {
        let f = Fake::default()
            .on(
                Head,
                "http://a.example/old",
                301,
                Some("https://a.example/new"),
            )
            .on(Head, "https://a.example/new", 302, Some("/newer#top"))
            .on(Head, "https://a.example/newer", 200, None);
        assert_eq!(check_url(&f, "http://a.example/old"), Outcome::Ok);
        let f = Fake::default().on(Head, "https://a.example/old", 308, Some("/gone"));
        assert_eq!(check_url(&f, "https://a.example/old"), Outcome::Status(404));
    }

    #[test]
    fn redirect_loops_and_long_chains_fail() {
        let f = Fake::default()
            .on(Head, "https://a.example/a", 301, Some("/b"))
            .on(Head, "https://a.example/b", 301, Some("/a"));
        assert_eq!(check_url(&f, "https://a.example/a"), Outcome::RedirectLoop);
        assert_eq!(f.log().len(), 2, "a loop is not retried");
        let mut f = Fake::default();
        for i in 0..=MAX_REDIRECTS + 1 {
            let next = format!("/{}", i + 1);
            f = f.on(Head, &format!("https://a.example/{i}"), 302, Some(&next));
        }
        assert_eq!(
            check_url(&f, "https://a.example/0"),
            Outcome::TooManyRedirects
        );
        assert_eq!(f.log().len(), MAX_REDIRECTS + 1);
        let f = f.on(
            Head,
            &format!("https://a.example/{MAX_REDIRECTS}"),
            200,
            None,
        );
        assert_eq!(
            check_url(&f, "https://a.example/0"),
            Outcome::Ok,
            "exactly the limit is fine"
        );
    }

    #[test]
    fn locations_resolve_against_the_current_url() {
        let base = "https://a.example/docs/page?x=1";
        assert_eq!(join(base, "https://b.example/"), "https://b.example/");
        assert_eq!(join(base, "//c.example/p"), "https://c.example/p");
        assert_eq!(join(base, "/root"), "https://a.example/root");
        assert_eq!(join(base, "other"), "https://a.example/docs/other");
        assert_eq!(join(base, "?y=2"), "https://a.example/docs/page?y=2");
        assert_eq!(join("https://a.example", "x"), "https://a.example/x");
        assert_eq!(join("http://h:8080/a", "/b"), "http://h:8080/b");
    }
}
