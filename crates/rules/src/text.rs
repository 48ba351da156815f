//! Matching the strings a file holds against lists of telling fragments: one Aho-Corasick
//! pass per string and list, over the pre-lowered text (`StrLit::lower`).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use aho_corasick::AhoCorasick;
use malpi_python::{FileFacts, StrLit};

/// Strings longer than this are payload blobs, left to the decoder, not searched whole.
const MAX_SEARCHED: usize = 50_000;

type Fragments = &'static [(&'static str, &'static str)];

/// Automata per fragment list, built on first use (keyed by the list's address: lists are
/// statics).
static AUTOMATA: LazyLock<RwLock<HashMap<usize, Arc<AhoCorasick>>>> =
    LazyLock::new(Default::default);

fn automaton(fragments: Fragments) -> Arc<AhoCorasick> {
    let key = fragments.as_ptr() as usize;
    if let Some(a) = AUTOMATA.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return a.clone();
    }
    let a = Arc::new(
        AhoCorasick::new(fragments.iter().map(|(f, _)| *f)).expect("fragment lists are valid"),
    );
    AUTOMATA
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, a.clone());
    a
}

/// The first fragment each string contains (case-insensitive, `\` as `/`), once per line.
pub fn matches<'f>(
    file: &'f FileFacts,
    fragments: Fragments,
) -> Vec<(&'f StrLit, &'static str, &'static str)> {
    let ac = automaton(fragments);
    let mut out: Vec<(&StrLit, &str, &str)> = Vec::new();
    for s in &file.strings {
        if s.lower.len() > MAX_SEARCHED
            || out
                .last()
                .is_some_and(|(l, _, _)| l.span.line == s.span.line)
        {
            continue;
        }
        if let Some(m) = ac.find(&s.lower) {
            let (frag, why) = fragments[m.pattern().as_usize()];
            out.push((s, frag, why));
        }
    }
    out
}
