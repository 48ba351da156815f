//! One package index: its Simple Repository API project pages (JSON asked for first, HTML
//! understood too) and, when it has one, the PyPI JSON API beside it.

use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

use crate::http::{Client, HttpError};
use crate::page::ProjectPage;
use crate::url::{json_api_url, percent_encode_segment};
use crate::{parse_html, parse_json};

/// PEP 691's content negotiation: JSON preferred, HTML accepted.
pub const SIMPLE_ACCEPT: &str = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum IndexError {
    #[error("{url}: no such project on this index (HTTP {status})")]
    NotFound { url: String, status: u16 },
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("{url}: not a project page: {reason}")]
    BadPage { url: String, reason: String },
}

impl IndexError {
    /// The HTTP status the index answered with, if it answered with an error status.
    pub fn status(&self) -> Option<u16> {
        match self {
            IndexError::NotFound { status, .. } => Some(*status),
            IndexError::Http(e) => e.status(),
            IndexError::BadPage { .. } => None,
        }
    }
}

/// What the PyPI JSON API says about a release (or, for a project, its latest release).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReleaseInfo {
    pub name: String,
    pub version: String,
    pub summary: Option<String>,
    pub files: Vec<UploadedFile>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UploadedFile {
    pub filename: String,
    pub url: String,
    pub sha256: Option<String>,
    /// ISO 8601 (`upload_time_iso_8601`).
    pub upload_time: Option<String>,
    pub yanked: bool,
}

/// An index at a Simple Repository API root URL (`https://pypi.org/simple/`).
#[derive(Clone)]
pub struct Index {
    url: String,
    client: Client,
}

impl Index {
    pub fn new(url: &str, client: Client) -> Index {
        let mut url = url.trim().to_string();
        if !url.ends_with('/') {
            url.push('/');
        }
        Index { url, client }
    }

    /// The root URL, ending in `/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The URL of a project's page: the root plus the PEP 503 normalised name.
    pub fn project_url(&self, name: &str) -> String {
        format!(
            "{}{}/",
            self.url,
            percent_encode_segment(&malpi_names::normalize(name))
        )
    }

    /// A project's page, in whichever flavour the index serves.
    pub fn project(&self, name: &str) -> Result<ProjectPage, IndexError> {
        let url = self.project_url(name);
        let response = self.client.get(&url, SIMPLE_ACCEPT).map_err(|e| match e {
            HttpError::Status {
                url,
                status: status @ (404 | 410),
            } => IndexError::NotFound { url, status },
            e => IndexError::Http(e),
        })?;
        let content_type = response
            .content_type
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut page = if content_type.contains("json") {
            parse_json(&response.body, &response.url).ok_or_else(|| IndexError::BadPage {
                url: response.url.clone(),
                reason: "the JSON is not a PEP 691 object".into(),
            })?
        } else {
            parse_html(&response.body, &response.url)
        };
        if page.name.is_empty() {
            page.name = name.to_string();
        }
        Ok(page)
    }

    /// The PyPI JSON API's view of a project (`version: None`: its latest release) or of one
    /// release. `Ok(None)` when the index has no JSON API, or it does not know the release.
    pub fn release_info(
        &self,
        name: &str,
        version: Option<&str>,
    ) -> Result<Option<ReleaseInfo>, IndexError> {
        let Some(url) = json_api_url(&self.url, name, version) else {
            return Ok(None);
        };
        let response = match self.client.get(&url, "application/json") {
            Err(HttpError::Status {
                status: 404 | 410, ..
            }) => return Ok(None),
            other => other?,
        };
        let bad = |reason: &str| IndexError::BadPage {
            url: response.url.clone(),
            reason: reason.into(),
        };
        let root: Value = serde_json::from_slice(&response.body).map_err(|_| bad("not JSON"))?;
        let info = root.get("info").ok_or_else(|| bad("no `info`"))?;
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
        let files = root
            .get("urls")
            .and_then(Value::as_array)
            .map(|urls| {
                urls.iter()
                    .map(|f| UploadedFile {
                        filename: text(f, "filename").unwrap_or_default(),
                        url: text(f, "url").unwrap_or_default(),
                        sha256: crate::json::sha256_of(f.get("digests")),
                        upload_time: text(f, "upload_time_iso_8601")
                            .or_else(|| text(f, "upload_time")),
                        yanked: f.get("yanked").and_then(Value::as_bool).unwrap_or(false),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(ReleaseInfo {
            name: text(info, "name").unwrap_or_default(),
            version: text(info, "version").unwrap_or_default(),
            summary: text(info, "summary"),
            files,
        }))
    }
}
