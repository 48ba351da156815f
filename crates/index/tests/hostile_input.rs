//! The pure parsers take anything an index or a user sends: random mixes of the tokens they
//! look for (a cheap stand-in for a fuzzer, deterministic so a failure reproduces) must never
//! panic, and every URL they return must be http(s).

use malpi_index::{Requirement, parse_html, parse_json, resolve_url};

const TOKENS: &[&str] = &[
    "<a",
    "<A ",
    " href=",
    "\"",
    "'",
    ">",
    "</a>",
    "</A",
    "&",
    "&#",
    "&#x",
    ";",
    "amp",
    "gt",
    "<!--",
    "-->",
    "<base href=",
    "<script>",
    "</script",
    " data-yanked",
    " data-core-metadata=",
    "=",
    "#sha256=",
    "../",
    "/",
    "//",
    "?",
    "é",
    "\u{0}",
    "\u{FFFD}",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"files\"",
    "\"url\"",
    "\"hashes\"",
    "\"sha256\"",
    "\"yanked\"",
    "true",
    "1e999",
    "-1",
    "http://h/",
    "javascript:",
    "x-1.0.tar.gz",
    "==",
    ">=",
    "~=",
    "!=",
    "*",
    ".",
    "1",
    "a",
    " ",
    "\n",
    "\\",
    "@",
    ";",
    "(",
    ")",
    "-r",
];

/// xorshift: no dependency, same sequence on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn text(&mut self, max_tokens: u64) -> String {
        let n = self.next() % max_tokens;
        (0..n)
            .map(|_| TOKENS[(self.next() % TOKENS.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn parsers_never_panic_and_only_yield_http_urls() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let is_http = |u: &str| u.starts_with("http://") || u.starts_with("https://");
    for _ in 0..20_000 {
        let text = rng.text(40);
        let page = parse_html(text.as_bytes(), "http://idx/simple/p/");
        assert!(page.files.iter().all(|f| is_http(&f.url)), "{text:?}");
        if let Some(page) = parse_json(text.as_bytes(), "http://idx/simple/p/") {
            assert!(page.files.iter().all(|f| is_http(&f.url)), "{text:?}");
        }
        if let Some(url) = resolve_url(&rng.text(6), &rng.text(6)) {
            assert!(is_http(&url.to_ascii_lowercase()), "{url:?}");
        }
        let _ = text.parse::<Requirement>();
        for f in &page.files {
            let _ = (f.kind(), f.version("p"));
        }
    }
    // Raw bytes that are not UTF-8 at all.
    for _ in 0..2_000 {
        let bytes: Vec<u8> = (0..rng.next() % 200).map(|_| rng.next() as u8).collect();
        let _ = parse_html(&bytes, "http://idx/simple/p/");
        let _ = parse_json(&bytes, "http://idx/simple/p/");
    }
}
