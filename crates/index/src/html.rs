//! PEP 503 HTML project pages: the anchors, their `data-*` attributes, `<base href>` and the
//! `pypi:repository-version` meta tag.
//!
//! A small hand-written tag scanner rather than an HTML5 parser (html5gum, scraper): index
//! pages are machine-written lists of anchors, and these few dozen lines are easy to make
//! total (no panic, linear time on any bytes) and to fuzz. What they skip: scripts and
//! comments (an anchor inside `<!-- -->` is not a file), CDATA, and named entities beyond
//! the XML five plus numeric references — PEP 503 names only what pip reads.

use crate::page::{CoreMetadata, DistFile, ProjectPage, last_segment, url_and_hash};
use crate::url::resolve_url;

/// Attributes kept per tag.
const MAX_ATTRIBUTES: usize = 32;

/// Parse a PEP 503 project page served at `page_url` (the final URL, after redirects).
/// Links that do not resolve to http(s) URLs are dropped.
pub fn parse_html(body: &[u8], page_url: &str) -> ProjectPage {
    let text = String::from_utf8_lossy(body);
    let mut page = ProjectPage {
        url: page_url.to_string(),
        ..ProjectPage::default()
    };
    let mut base = page_url.to_string();
    let mut rest: &str = &text;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let tag = rest[..name_len].to_ascii_lowercase();
        let (attrs, after_tag) = read_attributes(&rest[name_len..]);
        rest = after_tag;
        match tag.as_str() {
            "script" | "style" => {
                rest = find_ci(rest, &format!("</{tag}")).map_or("", |i| &rest[i..]);
            }
            "base" => {
                if let Some(href) = attr(&attrs, "href")
                    && let Some(resolved) = resolve_url(page_url, href)
                {
                    base = resolved;
                }
            }
            "meta" if attr(&attrs, "name") == Some("pypi:repository-version") => {
                page.api_version = attr(&attrs, "content").map(str::to_string);
            }
            "a" => {
                let end = find_ci(rest, "</a").unwrap_or(rest.len());
                let label = decode_entities(strip_tags(&rest[..end]).trim());
                rest = &rest[end..];
                if let Some(file) = anchor_file(&attrs, &label, &base) {
                    page.files.push(file);
                }
            }
            _ => {}
        }
    }
    page
}

fn anchor_file(attrs: &[(String, String)], label: &str, base: &str) -> Option<DistFile> {
    let href = attr(attrs, "href")?;
    let (url, sha256) = url_and_hash(&resolve_url(base, href)?);
    let filename = if label.is_empty() {
        last_segment(&url)
    } else {
        label.to_string()
    };
    // PEP 714: `data-core-metadata` replaces `data-dist-info-metadata`.
    let core_metadata =
        match attr(attrs, "data-core-metadata").or(attr(attrs, "data-dist-info-metadata")) {
            None => CoreMetadata::No,
            Some(v) => match crate::page::sha256_from_fragment(v) {
                Some(h) => CoreMetadata::Sha256(h),
                None if v.eq_ignore_ascii_case("false") => CoreMetadata::No,
                None => CoreMetadata::Yes,
            },
        };
    Some(DistFile {
        filename,
        url,
        sha256,
        requires_python: attr(attrs, "data-requires-python")
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string),
        yanked: attr(attrs, "data-yanked").map(str::to_string),
        core_metadata,
        size: None,
        upload_time: None,
    })
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Attributes of a tag (names lower-cased, values decoded) and the text after its `>`.
fn read_attributes(mut s: &str) -> (Vec<(String, String)>, &str) {
    let mut attrs = Vec::new();
    loop {
        s = s.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if s.is_empty() {
            return (attrs, s);
        }
        if let Some(after) = s.strip_prefix('>') {
            return (attrs, after);
        }
        let name_len = s
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(s.len())
            .max(1.min(s.len()));
        let name = s[..name_len].to_ascii_lowercase();
        s = s[name_len..].trim_start();
        let mut value = String::new();
        if let Some(after_eq) = s.strip_prefix('=') {
            let v = after_eq.trim_start();
            let (raw, after) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &v[1..];
                    match inner.find(q) {
                        Some(end) => (&inner[..end], &inner[end + 1..]),
                        None => (inner, ""),
                    }
                }
                _ => {
                    let end = v
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(v.len());
                    (&v[..end], &v[end..])
                }
            };
            value = decode_entities(raw);
            s = after;
        }
        // First of a name wins, as in browsers; past a few dozen, attributes are noise (and
        // the duplicate check must stay cheap on a tag with a million of them).
        if attrs.len() < MAX_ATTRIBUTES && !attrs.iter().any(|(k, _)| *k == name) {
            attrs.push((name, value));
        }
    }
}

/// Byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case.
fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Text with tags removed (an anchor's label may hold `<span>`s).
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Decode `&amp;`-style and numeric character references; unknown ones stay as written.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |i| i + 1);
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name.strip_prefix('#').and_then(|n| {
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_pep503_page() {
        let h = "a".repeat(64);
        let page = format!(
            r#"<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1">
            </head><body><h1>Links for demo</h1>
            <!-- <a href="hidden-0.1.tar.gz">hidden-0.1.tar.gz</a> -->
            <a href="../../files/demo-1.0.tar.gz#sha256={h}" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a><br/>
            <A HREF='https://cdn.example/demo-1.0-py3-none-any.whl#sha256={h}' data-yanked="broken &amp; bad" data-core-metadata="sha256={h}">demo-1.0-py3-none-any.whl</A>
            <a href=demo-0.9.zip data-dist-info-metadata=true data-yanked>demo-0.9.zip</a>
            <a href="javascript:alert(1)">x</a>
            </body></html>"#
        );
        let p = parse_html(page.as_bytes(), "http://idx.test/simple/demo/");
        assert_eq!(p.api_version.as_deref(), Some("1.1"));
        assert_eq!(p.files.len(), 3, "{p:#?}");
        assert_eq!(p.files[0].url, "http://idx.test/files/demo-1.0.tar.gz");
        assert_eq!(p.files[0].sha256.as_deref(), Some(h.as_str()));
        assert_eq!(p.files[0].requires_python.as_deref(), Some(">=3.8"));
        assert_eq!(p.files[0].yanked, None);
        assert_eq!(p.files[1].yanked.as_deref(), Some("broken & bad"));
        assert_eq!(p.files[1].core_metadata, CoreMetadata::Sha256(h.clone()));
        assert_eq!(p.files[2].url, "http://idx.test/simple/demo/demo-0.9.zip");
        assert_eq!(p.files[2].yanked.as_deref(), Some(""));
        assert_eq!(p.files[2].core_metadata, CoreMetadata::Yes);
        assert_eq!(p.files[2].sha256, None);
    }

    #[test]
    fn base_href_moves_relative_links() {
        let p = parse_html(
            b"<base href='/other/'><a href='x-1.whl'>x-1.whl</a>",
            "http://i/simple/x/",
        );
        assert_eq!(p.files[0].url, "http://i/other/x-1.whl");
    }

    #[test]
    fn entities_decode_and_junk_survives() {
        assert_eq!(
            decode_entities("a&lt;b&#62;&#x41;&bogus;&#xFFFFFFFF;&"),
            "a<b>A&bogus;&#xFFFFFFFF;&"
        );
        for junk in [
            &b"<a"[..],
            b"<a href",
            b"<a href='",
            b"<a href=x>",
            b"<<<>>>&&&#",
            b"<!--",
            b"<script>",
            b"\xff\xfe<a href=\"\xc3\">\xe2\x82</a>",
            b"<a =x href=y>",
        ] {
            let _ = parse_html(junk, "http://i/simple/x/");
        }
        let attributes: String = (0..200_000).map(|i| format!("d{i}=1 ")).collect();
        let many = format!("<a {attributes} href=x-1.zip>x-1.zip</a>");
        let started = std::time::Instant::now();
        let page = parse_html(many.as_bytes(), "http://i/simple/x/");
        assert_eq!(
            page.files.len(),
            0,
            "an href past the attribute cap is not read"
        );
        assert!(started.elapsed().as_secs() < 5, "quadratic on attributes");
    }
}
