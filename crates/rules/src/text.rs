//! Matching the strings a file holds against lists of telling fragments.

use malpi_python::{FileFacts, StrLit};

/// Strings longer than this are payload blobs, left to the decoder, not searched whole.
const MAX_SEARCHED: usize = 50_000;

/// The first fragment (case-insensitive, ASCII) each string contains, once per line.
pub fn matches<'f>(
    file: &'f FileFacts,
    fragments: &'static [(&'static str, &'static str)],
) -> Vec<(&'f StrLit, &'static str, &'static str)> {
    let mut out: Vec<(&StrLit, &str, &str)> = Vec::new();
    for s in &file.strings {
        if s.value.len() > MAX_SEARCHED
            || out
                .last()
                .is_some_and(|(l, _, _)| l.span.line == s.span.line)
        {
            continue;
        }
        if let Some((frag, why)) = first_match(&s.value, fragments) {
            out.push((s, frag, why));
        }
    }
    out
}

pub fn first_match(
    value: &str,
    fragments: &'static [(&'static str, &'static str)],
) -> Option<(&'static str, &'static str)> {
    let lower = value.to_ascii_lowercase();
    let lower = lower.replace('\\', "/");
    fragments
        .iter()
        .find(|(frag, _)| lower.contains(frag))
        .copied()
}
