//! HTTP for indexes: one [`Client`] (a ureq agent) with timeouts, retries with exponential
//! backoff on connection errors, 5xx and 429, and size caps. Every non-2xx answer is an
//! [`HttpError::Status`] carrying the code, so callers (and mirror checks) can tell a 404
//! from a 410 from a timeout.

use std::io::Read;
use std::time::Duration;

use thiserror::Error;
use ureq::ResponseExt;

/// Settings of a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub connect_timeout: Duration,
    /// Longest wait for any one read (headers or body): a stalled server fails, a slow
    /// large download does not.
    pub read_timeout: Duration,
    /// Longest time one request may take whole, from connecting to its last byte, redirects
    /// included: a page or API answer, a probe, and the headers of a download. A server
    /// that sends a byte now and then (never tripping `read_timeout`) fails here.
    pub deadline: Duration,
    /// Longest time one download attempt may take whole (a cut attempt resumes on the
    /// next one, so progress is not lost).
    pub download_deadline: Duration,
    /// Slowest body accepted, in bytes per second, measured over each `rate_window`
    /// (curl's `--speed-limit`/`--speed-time`); 0 turns the check off.
    pub min_rate: u64,
    pub rate_window: Duration,
    /// Attempts after the first one, for errors worth retrying.
    pub retries: u32,
    /// Wait before the first retry; doubled each time (capped at 30 s).
    pub backoff: Duration,
    /// Largest index page or JSON API answer read.
    pub max_page_bytes: u64,
    /// Largest package file downloaded (malpi scans inputs up to 1 GiB).
    pub max_file_bytes: u64,
    pub max_redirects: u32,
    pub user_agent: String,
    /// PEM certificates to trust instead of the built-in Mozilla roots (a private index's
    /// CA, or a TLS-inspecting proxy's, as with pip's `--cert` / `SSL_CERT_FILE`).
    pub ca_certificates_pem: Option<Vec<u8>>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(120),
            download_deadline: Duration::from_secs(30 * 60),
            min_rate: 1024,
            rate_window: Duration::from_secs(30),
            retries: 3,
            backoff: Duration::from_millis(500),
            max_page_bytes: 64 << 20,
            max_file_bytes: 1 << 30,
            max_redirects: 10,
            user_agent: format!("malpi/{} (static scanner)", env!("CARGO_PKG_VERSION")),
            ca_certificates_pem: None,
        }
    }
}

/// What went wrong with one request, as data.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum HttpError {
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: timed out")]
    Timeout { url: String },
    #[error("{url}: too slow: {bytes} bytes in {millis} ms, under the {min_rate} bytes/s minimum")]
    TooSlow {
        url: String,
        bytes: u64,
        millis: u64,
        min_rate: u64,
    },
    #[error("{url}: cannot connect: {reason}")]
    Connect { url: String, reason: String },
    #[error("{url}: larger than the {limit}-byte limit")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: {reason}")]
    Transport { url: String, reason: String },
    #[error("{url}: not a usable http(s) URL")]
    BadUrl { url: String },
}

impl HttpError {
    /// The HTTP status, when the server answered with an error status.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Worth another attempt: the server or the network may do better next time.
    pub fn is_retryable(&self) -> bool {
        match self {
            HttpError::Status { status, .. } => *status == 429 || *status >= 500,
            HttpError::Timeout { .. }
            | HttpError::TooSlow { .. }
            | HttpError::Connect { .. }
            | HttpError::Transport { .. } => true,
            HttpError::TooLarge { .. } | HttpError::BadUrl { .. } => false,
        }
    }
}

/// A whole (small) answer.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    /// After redirects.
    pub url: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// How a URL answered, body unread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    pub status: u16,
    /// After redirects.
    pub url: String,
    pub content_length: Option<u64>,
}

/// An answer whose body is still to be read (downloads).
pub(crate) struct Stream {
    pub status: u16,
    pub url: String,
    pub content_type: Option<String>,
    /// First byte offset of a `206 Partial Content` answer.
    pub range_start: Option<u64>,
    pub content_length: Option<u64>,
    pub reader: RateGuard<ureq::BodyReader<'static>>,
}

/// A shareable HTTP client (clone it freely: the connection pool is shared).
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    config: ClientConfig,
}

impl Client {
    pub fn new(config: ClientConfig) -> Client {
        let roots = config.ca_certificates_pem.as_deref().map(|pem| {
            let certs: Vec<_> = ureq::tls::parse_pem(pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            ureq::tls::RootCerts::from(certs)
        });
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(roots.unwrap_or(ureq::tls::RootCerts::WebPki))
            .build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_per_read(Some(config.read_timeout))
            .max_redirects(config.max_redirects)
            .user_agent(config.user_agent.as_str())
            .build()
            .into();
        Client { agent, config }
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// GET `url` and read its body (at most `max_page_bytes`), retrying what is worth it.
    pub fn get(&self, url: &str, accept: &str) -> Result<Response, HttpError> {
        self.with_retries(|| {
            let mut stream = self.open(url, accept, None, Purpose::Page)?;
            let limit = self.config.max_page_bytes;
            let body = read_capped(&mut stream.reader, limit, &stream.url)?;
            Ok(Response {
                status: stream.status,
                url: stream.url,
                content_type: stream.content_type,
                body,
            })
        })
    }

    /// How `url` answers a GET (after redirects, retries spent), without reading the body:
    /// for mirror checks ("is this file still served, and how?"). Any HTTP status is an
    /// answer; only getting none (timeout, refused connection, bad URL) is an error.
    pub fn probe(&self, url: &str) -> Result<Probe, HttpError> {
        match self.with_retries(|| self.open(url, "*/*", None, Purpose::Page)) {
            Ok(stream) => Ok(Probe {
                status: stream.status,
                url: stream.url,
                content_length: stream.content_length,
            }),
            Err(HttpError::Status { url, status }) => Ok(Probe {
                status,
                url,
                content_length: None,
            }),
            Err(e) => Err(e),
        }
    }

    /// Run `attempt` until it succeeds, fails for good, or the retries are spent, waiting
    /// longer each time.
    pub fn with_retries<T>(
        &self,
        mut attempt: impl FnMut() -> Result<T, HttpError>,
    ) -> Result<T, HttpError> {
        let mut wait = self.config.backoff;
        let mut tries = 0;
        loop {
            match attempt() {
                Err(e) if e.is_retryable() && tries < self.config.retries => {
                    tries += 1;
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(Duration::from_secs(30));
                }
                other => return other,
            }
        }
    }

    /// One GET, no retry; non-2xx answers are errors. `range_from` asks for the bytes from
    /// that offset on. The whole request, body included, is bounded by the deadline of its
    /// `purpose`, and its body by the minimum rate.
    pub(crate) fn open(
        &self,
        url: &str,
        accept: &str,
        range_from: Option<u64>,
        purpose: Purpose,
    ) -> Result<Stream, HttpError> {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(HttpError::BadUrl { url: url.into() });
        }
        let total = match purpose {
            Purpose::Page => self.config.deadline,
            Purpose::Download => self.config.download_deadline,
        };
        let mut request = self
            .agent
            .get(url)
            .config()
            .timeout_global(Some(total))
            .timeout_recv_response(Some(self.config.deadline))
            .build()
            .header("Accept", accept);
        if let Some(from) = range_from {
            // A compressed answer would number other bytes than the file's.
            request = request
                .header("Range", format!("bytes={from}-"))
                .header("Accept-Encoding", "identity");
        }
        let response = request.call().map_err(|e| map_error(url, e))?;
        let status = response.status().as_u16();
        let final_url = response.get_uri().to_string();
        let final_url_for_guard = final_url.clone();
        if !(200..300).contains(&status) {
            return Err(HttpError::Status {
                url: final_url,
                status,
            });
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type");
        let range_start = (status == 206)
            .then(|| header("content-range"))
            .flatten()
            .and_then(|r| parse_content_range_start(&r));
        let content_length = header("content-length").and_then(|l| l.trim().parse().ok());
        Ok(Stream {
            status,
            content_type,
            url: final_url,
            range_start,
            content_length,
            reader: RateGuard::new(
                response.into_body().into_reader(),
                final_url_for_guard,
                self.config.min_rate,
                self.config.rate_window,
            ),
        })
    }
}

/// Which deadline a request has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    Page,
    Download,
}

/// A body reader that fails (with [`HttpError::TooSlow`] inside the `io::Error`) when fewer
/// than `min_rate × window` bytes arrive in any window: a trickle cannot hold a request open
/// by sending a byte before each read times out.
pub(crate) struct RateGuard<R> {
    inner: R,
    url: String,
    min_rate: u64,
    window: Duration,
    window_start: std::time::Instant,
    window_bytes: u64,
}

impl<R> RateGuard<R> {
    pub(crate) fn new(inner: R, url: String, min_rate: u64, window: Duration) -> Self {
        RateGuard {
            inner,
            url,
            min_rate,
            window: window.max(Duration::from_millis(1)),
            window_start: std::time::Instant::now(),
            window_bytes: 0,
        }
    }
}

impl<R: Read> Read for RateGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.min_rate == 0 || n == 0 {
            return Ok(n);
        }
        self.window_bytes += n as u64;
        let elapsed = self.window_start.elapsed();
        if elapsed >= self.window {
            let needed = (self.min_rate as f64 * elapsed.as_secs_f64()) as u64;
            if self.window_bytes < needed {
                let slow = HttpError::TooSlow {
                    url: self.url.clone(),
                    bytes: self.window_bytes,
                    millis: elapsed.as_millis() as u64,
                    min_rate: self.min_rate,
                };
                return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, slow));
            }
            self.window_start = std::time::Instant::now();
            self.window_bytes = 0;
        }
        Ok(n)
    }
}

/// `bytes 100-199/200` → 100.
fn parse_content_range_start(value: &str) -> Option<u64> {
    let range = value.trim().strip_prefix("bytes")?.trim_start();
    range.split('-').next()?.trim().parse().ok()
}

/// Read all of `reader`, failing past `limit` bytes.
fn read_capped(reader: &mut impl Read, limit: u64, url: &str) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(|e| map_io(url, e))?;
    if body.len() as u64 > limit {
        return Err(HttpError::TooLarge {
            url: url.into(),
            limit,
        });
    }
    Ok(body)
}

pub(crate) fn map_error(url: &str, e: ureq::Error) -> HttpError {
    let url = url.to_string();
    match e {
        ureq::Error::Timeout(_) => HttpError::Timeout { url },
        ureq::Error::HostNotFound => HttpError::Connect {
            url,
            reason: "host not found".into(),
        },
        ureq::Error::ConnectionFailed => HttpError::Connect {
            url,
            reason: "connection failed".into(),
        },
        ureq::Error::BadUri(_) => HttpError::BadUrl { url },
        ureq::Error::StatusCode(status) => HttpError::Status { url, status },
        ureq::Error::Io(io) => map_io(&url, io),
        other => {
            let mut reason = other.to_string();
            if reason.contains("UnknownIssuer") {
                reason.push_str(
                    " (an index behind its own CA, or a TLS-inspecting proxy? give its PEM bundle)",
                );
            }
            HttpError::Transport { url, reason }
        }
    }
}

/// An I/O error while talking to `url` (ureq wraps its own errors in io::Error in readers).
pub(crate) fn map_io(url: &str, e: std::io::Error) -> HttpError {
    use std::io::ErrorKind::*;
    if e.get_ref().is_some_and(|inner| inner.is::<HttpError>()) {
        if let Some(Ok(own)) = e.into_inner().map(|b| b.downcast::<HttpError>()) {
            return *own;
        }
        return HttpError::Transport {
            url: url.into(),
            reason: "transport error".into(),
        };
    }
    if e.get_ref().is_some_and(|inner| inner.is::<ureq::Error>()) {
        if let Some(Ok(ureq_error)) = e.into_inner().map(|b| b.downcast::<ureq::Error>()) {
            return map_error(url, *ureq_error);
        }
        return HttpError::Transport {
            url: url.into(),
            reason: "transport error".into(),
        };
    }
    let url = url.to_string();
    match e.kind() {
        TimedOut | WouldBlock => HttpError::Timeout { url },
        ConnectionRefused | ConnectionReset | ConnectionAborted | NotConnected
        | AddrNotAvailable => HttpError::Connect {
            url,
            reason: e.to_string(),
        },
        _ => HttpError::Transport {
            url,
            reason: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_start() {
        assert_eq!(parse_content_range_start("bytes 100-199/200"), Some(100));
        assert_eq!(parse_content_range_start("bytes */200"), None);
        assert_eq!(parse_content_range_start("items 1-2/3"), None);
    }
}
