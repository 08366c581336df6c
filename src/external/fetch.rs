//! One HTTP request, without following redirects: the only code that talks
//! to the network. Everything around it (HEAD then GET, redirects, retries)
//! works on the [`Fetch`] trait, so it can be tested with a fake.

use std::time::Duration;

/// The request method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Headers only: cheap for the server.
    Head,
    /// The full response, for servers that refuse HEAD.
    Get,
}

/// What a server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status code.
    pub status: u16,
    /// The `Location` header, if any.
    pub location: Option<String>,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// No answer within the timeout.
    Timeout,
    /// Nothing listens at the address.
    Refused,
    /// The host name did not resolve.
    HostNotFound,
    /// The URL cannot be requested at all (not worth a retry).
    BadUrl(String),
    /// Anything else, such as a TLS failure or a dropped connection.
    Other(String),
}

impl NetError {
    /// True for errors that may go away on a second try.
    pub fn is_transient(&self) -> bool {
        !matches!(self, NetError::BadUrl(_))
    }
}

/// Sends one request and returns the status, without following redirects.
pub trait Fetch: Sync {
    /// Requests `url` with `method`.
    fn fetch(&self, method: Method, url: &str) -> Result<Reply, NetError>;
}

/// The real client: ureq, with rustls for HTTPS.
pub struct Http {
    agent: ureq::Agent,
}

/// The `User-Agent` header sent with every request.
pub const USER_AGENT: &str = concat!("freda-link-checker/", env!("CARGO_PKG_VERSION"));

impl Http {
    /// A client that gives up on one request after `timeout`.
    pub fn new(timeout: Duration) -> Http {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .user_agent(USER_AGENT)
            .build();
        Http {
            agent: config.new_agent(),
        }
    }
}

impl Fetch for Http {
    fn fetch(&self, method: Method, url: &str) -> Result<Reply, NetError> {
        let response = match method {
            Method::Head => self.agent.head(url).call(),
            Method::Get => self.agent.get(url).call(),
        };
        let response = response.map_err(net_error)?;
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(Reply {
            status: response.status().as_u16(),
            location,
        })
    }
}

fn net_error(e: ureq::Error) -> NetError {
    use std::io::ErrorKind;
    match e {
        ureq::Error::Timeout(_) => NetError::Timeout,
        ureq::Error::HostNotFound => NetError::HostNotFound,
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => NetError::Refused,
            ErrorKind::TimedOut | ErrorKind::WouldBlock => NetError::Timeout,
            _ => NetError::Other(io.to_string()),
        },
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => NetError::BadUrl(e.to_string()),
        other => NetError::Other(other.to_string()),
    }
}

/// The standard reason phrase of a status code, e.g. "Not Found" for 404.
pub fn reason(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}
