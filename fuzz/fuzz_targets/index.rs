//! Index pages (PEP 503 HTML, PEP 691 JSON), requirement lines and release selection on any
//! bytes: what a hostile index or mirror serves.
#![no_main]
use libfuzzer_sys::fuzz_target;
use malpi_index::{Requirement, Selection, choose_release, parse_html, parse_json};

const PAGE: &str = "https://mirror.example/simple/pkg/";

fuzz_target!(|data: &[u8]| {
    let mut pages = vec![parse_html(data, PAGE)];
    pages.extend(parse_json(data, PAGE));
    let line = String::from_utf8_lossy(&data[..data.len().min(512)]);
    let requirement = line.parse::<Requirement>().ok();
    for page in &pages {
        for file in &page.files {
            assert!(file.url.starts_with("http://") || file.url.starts_with("https://"));
            let _ = file.kind();
            let _ = file.version("pkg");
        }
        if let Some(req) = &requirement {
            let _ = choose_release(page, req, &Selection::default());
        }
    }
});
