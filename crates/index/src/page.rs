//! A project page of a Simple Repository API index, whatever its flavour (HTML or JSON), and
//! what a file name says about its project, version and kind.

use serde::Serialize;

use crate::url::{is_sha256_hex, split_fragment};

/// One project as an index lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProjectPage {
    /// The project name as the page gives it (JSON `name`), else as asked for.
    pub name: String,
    /// The page's final URL (after redirects): links were resolved against it.
    pub url: String,
    /// `pypi:repository-version` (HTML meta) or `meta.api-version` (JSON), when given.
    pub api_version: Option<String>,
    pub files: Vec<DistFile>,
}

/// One file an index offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DistFile {
    /// As the index names it (anchor text or JSON `filename`). Untrusted: never a path as is.
    pub filename: String,
    /// Absolute http(s) URL without the fragment.
    pub url: String,
    /// Lower-case hex sha256 from the index, if it gave a well-formed one.
    pub sha256: Option<String>,
    pub requires_python: Option<String>,
    /// `Some(reason)` when yanked (PEP 592); the reason may be empty.
    pub yanked: Option<String>,
    pub core_metadata: CoreMetadata,
    /// Bytes, when the index says (PEP 700).
    pub size: Option<u64>,
    /// ISO 8601, when the index says (PEP 700 `upload-time`).
    pub upload_time: Option<String>,
}

/// Whether the index serves the file's METADATA on its own (PEP 658 / 714).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CoreMetadata {
    #[default]
    No,
    Yes,
    /// With this sha256.
    Sha256(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Sdist,
    Wheel,
    Egg,
    Other,
}

/// Source-distribution suffixes pip accepts.
const SDIST_SUFFIXES: &[&str] = &[
    ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar",
];

impl DistFile {
    pub fn kind(&self) -> FileKind {
        let lower = self.filename.to_ascii_lowercase();
        if lower.ends_with(".whl") {
            FileKind::Wheel
        } else if lower.ends_with(".egg") {
            FileKind::Egg
        } else if SDIST_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
            FileKind::Sdist
        } else {
            FileKind::Other
        }
    }

    /// The version the file name carries, for project `project` (sdist names may hold dashes
    /// in the project part: `python-dateutil-2.9.0.tar.gz`).
    pub fn version(&self, project: &str) -> Option<String> {
        let lower = self.filename.to_ascii_lowercase();
        let stem_len = match self.kind() {
            FileKind::Wheel => lower.len() - ".whl".len(),
            FileKind::Egg => lower.len() - ".egg".len(),
            FileKind::Sdist => {
                let suffix = SDIST_SUFFIXES.iter().find(|s| lower.ends_with(*s))?;
                lower.len() - suffix.len()
            }
            FileKind::Other => return None,
        };
        let stem = self.filename.get(..stem_len)?;
        match self.kind() {
            // name-version(-build)?-python-abi-platform: names have no dashes (escaped to `_`).
            FileKind::Wheel | FileKind::Egg => stem.split('-').nth(1).map(str::to_string),
            _ => {
                let want = malpi_names::normalize(project);
                stem.match_indices('-')
                    .map(|(i, _)| i)
                    .find(|&i| malpi_names::normalize(&stem[..i]) == want)
                    .or_else(|| stem.rfind('-'))
                    .map(|i| stem[i + 1..].to_string())
                    .filter(|v| !v.is_empty())
            }
        }
    }
}

/// The sha256 from a `#sha256=…` (or `#md5=…&sha256=…`) fragment, lower-cased, if well formed.
pub(crate) fn sha256_from_fragment(fragment: &str) -> Option<String> {
    fragment
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("sha256"))
        .map(|(_, v)| v.to_ascii_lowercase())
        .filter(|v| is_sha256_hex(v))
}

/// A file URL split into the URL proper and its hash.
pub(crate) fn url_and_hash(url: &str) -> (String, Option<String>) {
    let (u, frag) = split_fragment(url);
    (u.to_string(), frag.and_then(sha256_from_fragment))
}

/// The last path segment of a URL, decoded: a file's name when an anchor has no text.
pub(crate) fn last_segment(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    crate::url::percent_decode(path.rsplit('/').next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> DistFile {
        DistFile {
            filename: name.into(),
            ..DistFile::default()
        }
    }

    #[test]
    fn versions_come_from_file_names() {
        let v = |name, project| file(name).version(project);
        assert_eq!(
            v("python-dateutil-2.9.0.tar.gz", "python_dateutil").as_deref(),
            Some("2.9.0")
        );
        assert_eq!(
            v("requests-2.32.3-py3-none-any.whl", "requests").as_deref(),
            Some("2.32.3")
        );
        assert_eq!(
            v("Foo.Bar-1.0rc1.zip", "foo-bar").as_deref(),
            Some("1.0rc1")
        );
        assert_eq!(v("weird-0.1-py2.7.egg", "weird").as_deref(), Some("0.1"));
        assert_eq!(v("README.txt", "x"), None);
        assert_eq!(v(".whl", "x"), None);
        assert_eq!(file("a-1.tar.gz").kind(), FileKind::Sdist);
    }

    #[test]
    fn hashes_come_from_fragments() {
        let h = "AB".repeat(32);
        assert_eq!(
            url_and_hash(&format!("https://x/a.whl#md5=1&sha256={h}")),
            ("https://x/a.whl".to_string(), Some(h.to_ascii_lowercase()))
        );
        assert_eq!(url_and_hash("https://x/a.whl#sha256=../../etc").1, None);
        assert_eq!(
            last_segment("https://x/p/a%2Bb-1.0.tar.gz?x=1"),
            "a+b-1.0.tar.gz"
        );
    }
}
