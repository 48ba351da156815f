//! PEP 691 JSON project pages (`application/vnd.pypi.simple.v1+json`).
//!
//! Read through `serde_json::Value` rather than typed structs: one field of an unexpected
//! type (a mirror writing `"yanked": 1`) costs that field, not the page. serde_json bounds
//! nesting depth, so hostile JSON cannot overflow the stack.

use serde_json::Value;

use crate::page::{CoreMetadata, DistFile, ProjectPage};
use crate::url::{is_sha256_hex, resolve_url};

/// Parse a PEP 691 project page served at `page_url`. `None` when the body is not a JSON
/// object (the caller reports that as a bad page).
pub fn parse_json(body: &[u8], page_url: &str) -> Option<ProjectPage> {
    let root: Value = serde_json::from_slice(body).ok()?;
    let root = root.as_object()?;
    let files = root
        .get("files")
        .and_then(Value::as_array)
        .map(|files| files.iter().filter_map(|f| file(f, page_url)).collect())
        .unwrap_or_default();
    Some(ProjectPage {
        name: str_field(root.get("name")).unwrap_or_default(),
        url: page_url.to_string(),
        api_version: root
            .get("meta")
            .and_then(|m| str_field(m.get("api-version"))),
        files,
    })
}

fn file(f: &Value, page_url: &str) -> Option<DistFile> {
    let (url, fragment_hash) =
        crate::page::url_and_hash(&resolve_url(page_url, f.get("url")?.as_str()?)?);
    let sha256 = sha256_of(f.get("hashes")).or(fragment_hash);
    let filename = str_field(f.get("filename"))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| crate::page::last_segment(&url));
    let metadata = f
        .get("core-metadata")
        .or_else(|| f.get("dist-info-metadata"));
    let core_metadata = match metadata {
        Some(Value::Bool(true)) => CoreMetadata::Yes,
        Some(v @ Value::Object(_)) => match sha256_of(Some(v)) {
            Some(h) => CoreMetadata::Sha256(h),
            None => CoreMetadata::Yes,
        },
        _ => CoreMetadata::No,
    };
    let yanked = match f.get("yanked") {
        Some(Value::Bool(true)) => Some(String::new()),
        Some(Value::String(reason)) => Some(reason.clone()),
        _ => None,
    };
    Some(DistFile {
        filename,
        url,
        sha256,
        requires_python: str_field(f.get("requires-python")).filter(|s| !s.trim().is_empty()),
        yanked,
        core_metadata,
        size: f.get("size").and_then(Value::as_u64),
        upload_time: str_field(f.get("upload-time")),
    })
}

fn str_field(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_string)
}

/// A well-formed sha256 from a `{"sha256": "…"}` hashes object.
pub(crate) fn sha256_of(hashes: Option<&Value>) -> Option<String> {
    hashes
        .and_then(|h| h.get("sha256"))
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .filter(|h| is_sha256_hex(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_pep691_page() {
        let h = "b".repeat(64);
        let body = format!(
            r#"{{"meta":{{"api-version":"1.1"}},"name":"demo","files":[
              {{"filename":"demo-1.0.tar.gz","url":"../../f/demo-1.0.tar.gz","hashes":{{"sha256":"{h}"}},
                "requires-python":">=3.8","yanked":false,"size":12,"upload-time":"2024-01-01T00:00:00Z"}},
              {{"filename":"demo-1.0-py3-none-any.whl","url":"https://cdn/w.whl#sha256={h}","hashes":{{}},
                "yanked":"bad build","core-metadata":{{"sha256":"{h}"}}}},
              {{"filename":"x","url":"file:///etc/passwd","hashes":{{}}}},
              {{"filename":"y","hashes":{{}}}},
              {{"filename":7,"url":"z-1.zip","hashes":{{"sha256":"../../x"}},"yanked":true,"dist-info-metadata":true}}
            ]}}"#
        );
        let p = parse_json(body.as_bytes(), "http://i/simple/demo/").unwrap();
        assert_eq!(p.name, "demo");
        assert_eq!(p.api_version.as_deref(), Some("1.1"));
        assert_eq!(p.files.len(), 3);
        assert_eq!(p.files[0].url, "http://i/f/demo-1.0.tar.gz");
        assert_eq!(p.files[0].size, Some(12));
        assert_eq!(p.files[0].yanked, None);
        assert_eq!(p.files[1].sha256.as_deref(), Some(h.as_str()));
        assert_eq!(p.files[1].yanked.as_deref(), Some("bad build"));
        assert_eq!(p.files[2].filename, "z-1.zip");
        assert_eq!(p.files[2].sha256, None);
        assert_eq!(p.files[2].yanked.as_deref(), Some(""));
        assert_eq!(p.files[2].core_metadata, CoreMetadata::Yes);
        assert!(parse_json(b"[1,2]", "http://i/").is_none());
        assert!(parse_json(&[b'['; 10_000], "http://i/").is_none());
    }
}
