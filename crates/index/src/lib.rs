//! malpi-index: talk to Python package indexes without trusting them.
//!
//! - [`parse_html`] / [`parse_json`]: pure parsers of a Simple Repository API project page
//!   (PEP 503 HTML, PEP 691 JSON) into a [`ProjectPage`]; they never panic on any bytes.
//! - [`Client`]: sync HTTP (ureq, rustls) with timeouts, retries with backoff, size caps and
//!   the HTTP status kept as data; [`Index`] asks one index for a project page or the PyPI
//!   JSON API.
//! - [`Requirement`], [`choose_release`]: pip-style requirement lines and PEP 440 selection.
//! - [`Cache`] and [`Fetcher`]: verified, resumable downloads into a content-addressed cache,
//!   many packages at once with a concurrency limit and a typed error per package.
//!
//! Nothing fetched is ever executed, imported or unpacked here.

mod cache;
mod fetch;
mod html;
mod http;
mod index;
mod json;
mod page;
mod requirement;
mod requirements_file;
mod select;
mod url;

pub use cache::{Cache, CacheError, copy_out, default_cache_dir, safe_file_name};
pub use fetch::{FetchError, FetchEvent, FetchOptions, FetchedFile, Fetcher, PackageOutcome};
pub use html::parse_html;
pub use http::{Client, ClientConfig, HttpError, Probe, Response};
pub use index::{Index, IndexError, ReleaseInfo, UploadedFile};
pub use json::parse_json;
pub use page::{CoreMetadata, DistFile, FileKind, ProjectPage};
pub use pep440_rs::{Version, VersionSpecifiers};
pub use requirement::{Requirement, RequirementError};
pub use requirements_file::{RequirementsError, RequirementsFile, read_requirements};
pub use select::{Release, SelectError, Selection, choose_release};
pub use url::{is_sha256_hex, json_api_url, resolve_url};

/// The default index, as pip's.
pub const PYPI_SIMPLE: &str = "https://pypi.org/simple/";
