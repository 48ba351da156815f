//! The little URL handling an index needs: resolving a link against its page (RFC 3986 §5.2),
//! splitting off the `#sha256=` fragment, and finding the PyPI JSON API beside a simple index.
//! Hand-written (about a hundred lines) rather than the `url` crate, whose IDNA tables would
//! outweigh the rest of this crate; links are opaque strings to us except for these steps.

/// `reference` resolved against the absolute URL `base`, without its fragment handling
/// (the fragment is kept). `None` when `base` is not absolute or the result would not be
/// an http(s) URL (a `javascript:` or `file:` link on a hostile page).
pub fn resolve_url(base: &str, reference: &str) -> Option<String> {
    let reference = reference.trim();
    let resolved = if let Some(scheme_end) = scheme_len(reference) {
        let (scheme, rest) = reference.split_at(scheme_end);
        format!(
            "{}{}",
            scheme.to_ascii_lowercase(),
            remove_dot_segments_in(rest)
        )
    } else {
        let base = Parts::split(base)?;
        if let Some(rest) = reference.strip_prefix("//") {
            format!(
                "{}://{}",
                base.scheme,
                remove_dot_segments_in_authority_form(rest)
            )
        } else {
            let (path, tail) = split_path(reference);
            if path.is_empty() {
                // Same document: the base's path, and its query unless the reference has one.
                let query = if tail.starts_with('?') {
                    ""
                } else {
                    base.query
                };
                format!(
                    "{}://{}{}{query}{tail}",
                    base.scheme, base.authority, base.path
                )
            } else {
                let merged = if path.starts_with('/') {
                    remove_dot_segments(path)
                } else {
                    let dir = match base.path.rfind('/') {
                        Some(i) => &base.path[..=i],
                        None => "/",
                    };
                    remove_dot_segments(&format!("{dir}{path}"))
                };
                format!("{}://{}{}{}", base.scheme, base.authority, merged, tail)
            }
        }
    };
    let lower = resolved.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(resolved)
}

/// The PyPI JSON API URL for a project (and version) next to a simple index:
/// `https://pypi.org/simple/` → `https://pypi.org/pypi/NAME[/VERSION]/json`. `None` when the
/// index URL does not end in `/simple` (the index has no known JSON API).
pub fn json_api_url(simple_url: &str, project: &str, version: Option<&str>) -> Option<String> {
    let trimmed = simple_url.trim_end_matches('/');
    let root = trimmed.strip_suffix("/simple")?;
    let name = percent_encode_segment(project);
    Some(match version {
        Some(v) => format!("{root}/pypi/{name}/{}/json", percent_encode_segment(v)),
        None => format!("{root}/pypi/{name}/json"),
    })
}

/// Whether `s` is a sha256 digest in hex (64 hex digits): index-provided hashes name cache
/// files, so anything else (`../..`) must never reach a path.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `url` without its `#fragment`, and the fragment.
pub(crate) fn split_fragment(url: &str) -> (&str, Option<&str>) {
    match url.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (url, None),
    }
}

/// Percent-encode everything but unreserved characters (for names and versions in paths).
pub(crate) fn percent_encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'!') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decode `%XX` escapes (invalid ones are kept as they are).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|c| (*c as char).to_digit(16)),
                bytes.get(i + 2).and_then(|c| (*c as char).to_digit(16)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Length of `scheme:` at the start of `s`, if it has one.
fn scheme_len(s: &str) -> Option<usize> {
    let colon = s.find(':')?;
    let scheme = &s[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(colon + 1)
}

struct Parts<'a> {
    scheme: &'a str,
    authority: &'a str,
    path: &'a str,
    query: &'a str,
}

impl<'a> Parts<'a> {
    fn split(url: &'a str) -> Option<Parts<'a>> {
        let (url, _) = split_fragment(url);
        let (scheme, rest) = url.split_once("://")?;
        if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
            return None;
        }
        let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(auth_end);
        let q = rest.find('?').unwrap_or(rest.len());
        let (path, query) = rest.split_at(q);
        let path = if path.is_empty() { "/" } else { path };
        Some(Parts {
            scheme,
            authority,
            path,
            query,
        })
    }
}

/// A reference's path and the `?query#fragment` after it.
fn split_path(reference: &str) -> (&str, &str) {
    let end = reference.find(['?', '#']).unwrap_or(reference.len());
    reference.split_at(end)
}

fn remove_dot_segments_in(rest: &str) -> String {
    match rest.strip_prefix("//") {
        Some(r) => format!("//{}", remove_dot_segments_in_authority_form(r)),
        None => {
            let (path, tail) = split_path(rest);
            format!("{}{tail}", remove_dot_segments(path))
        }
    }
}

/// `authority/path?query` with the path's dot segments removed.
fn remove_dot_segments_in_authority_form(rest: &str) -> String {
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(auth_end);
    let (path, tail) = split_path(rest);
    format!("{authority}{}{tail}", remove_dot_segments(path))
}

/// RFC 3986 §5.2.4, on `/`-separated segments.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if path.starts_with('/') && !joined.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://example.org/simple/requests/";

    #[test]
    fn resolves_links_as_browsers_do() {
        let r = |s| resolve_url(BASE, s);
        assert_eq!(
            r("../../packages/a.tar.gz#sha256=ab").as_deref(),
            Some("https://example.org/packages/a.tar.gz#sha256=ab")
        );
        assert_eq!(
            r("a.whl").as_deref(),
            Some("https://example.org/simple/requests/a.whl")
        );
        assert_eq!(
            r("/x/a.whl").as_deref(),
            Some("https://example.org/x/a.whl")
        );
        assert_eq!(
            r("//files.example/a.whl").as_deref(),
            Some("https://files.example/a.whl")
        );
        assert_eq!(
            r("HTTP://other/./a/../b.zip").as_deref(),
            Some("http://other/b.zip")
        );
        assert_eq!(r("javascript:alert(1)"), None);
        assert_eq!(r("file:///etc/passwd"), None);
        assert_eq!(resolve_url("not a url", "a.whl"), None);
        assert_eq!(
            resolve_url("http://h:8080", "a.whl").as_deref(),
            Some("http://h:8080/a.whl")
        );
        assert_eq!(r("").as_deref(), Some(BASE));
    }

    #[test]
    fn json_api_sits_beside_simple() {
        assert_eq!(
            json_api_url("https://pypi.org/simple/", "Flask", Some("3.0.0")).as_deref(),
            Some("https://pypi.org/pypi/Flask/3.0.0/json")
        );
        assert_eq!(
            json_api_url("http://127.0.0.1:1/simple", "a b", None).as_deref(),
            Some("http://127.0.0.1:1/pypi/a%20b/json")
        );
        assert_eq!(
            json_api_url("https://mirror/root/pypi/+simple/", "x", None),
            None
        );
    }

    #[test]
    fn only_hex_digests_are_hashes() {
        assert!(is_sha256_hex(&"a".repeat(64)));
        assert!(!is_sha256_hex(&format!("../{}", "a".repeat(61))));
        assert_eq!(percent_decode("a%2Fb%zz%4"), "a/b%zz%4");
    }
}
