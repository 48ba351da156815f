//! Matching the strings a file holds against the rules' lists of telling fragments.
//!
//! Every list is registered in [`LISTS`]; one case-insensitive Aho-Corasick automaton over
//! all of them runs once over each string of a package, on first use, and each rule then
//! reads its own list's hits. Benign packages hold megabytes of docstrings: one pass instead
//! of one per list is most of the rules' cost.

use std::sync::{LazyLock, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use malpi_python::StrLit;

use crate::model::PackageFacts;

/// Strings longer than this are payload blobs, left to the decoder, not searched whole.
const MAX_SEARCHED: usize = 50_000;

/// A list of `(lower-case fragment, what it means)`. `/` in a fragment also matches `\`.
pub type Fragments = &'static [(&'static str, &'static str)];

/// Every fragment list a rule searches with [`matches`].
static LISTS: &[Fragments] = &[
    crate::command_execution::cmd002_download_and_run::CANDIDATES,
    crate::file_operation::fil002_persistence::LOCATIONS,
    crate::file_operation::fil003_destroy_data::COMMANDS,
    crate::information_stealing::stl001_host_fingerprint::IP_SERVICES,
    crate::information_stealing::stl002_environment_secrets::SECRET_VARS,
    crate::information_stealing::stl003_credential_files::PATHS,
    crate::information_stealing::stl004_browser_data::STORES,
    crate::information_stealing::stl005_discord_token::MARKERS,
    crate::information_stealing::stl006_crypto_wallets::WALLETS,
    crate::information_stealing::stl007_exfiltration_endpoint::ENDPOINTS,
    crate::remote_control::rc001_reverse_shell::ONE_LINERS,
    crate::anti_detection::tec003_obfuscator::SIGNATURES,
];

/// Every fragment of the lists that name something telling on its own (not the broad
/// candidates CMD002 classifies further), with its `\\` variant, for the parse screen.
pub(crate) fn screening_fragments() -> impl Iterator<Item = String> {
    LISTS
        .iter()
        .filter(|l| **l != crate::command_execution::cmd002_download_and_run::CANDIDATES)
        .flat_map(|l| l.iter())
        .chain(crate::command_execution::cmd002_download_and_run::PATTERNS.iter())
        .flat_map(|(f, _)| [f.to_string(), f.replace('/', "\\")])
}

/// The automaton over all lists, and for each of its patterns the (list, entry) it stands for.
struct Combined {
    automaton: AhoCorasick,
    origin: Vec<(u8, u16)>,
}

static COMBINED: LazyLock<Combined> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut origin = Vec::new();
    for (list, fragments) in LISTS.iter().enumerate() {
        for (entry, (fragment, _)) in fragments.iter().enumerate() {
            patterns.push(fragment.to_string());
            origin.push((list as u8, entry as u16));
            if fragment.contains('/') {
                patterns.push(fragment.replace('/', "\\"));
                origin.push((list as u8, entry as u16));
            }
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .expect("fragment lists are valid patterns");
    Combined { automaton, origin }
});

/// One string's first hit in one list.
#[derive(Clone, Copy, Debug)]
struct Hit {
    string: u32,
    list: u8,
    entry: u16,
}

/// The hits of every list in every file of a package, computed once on first use.
#[derive(Debug, Default)]
pub struct TextIndex(OnceLock<Vec<Vec<Hit>>>);

fn index_file(strings: &[StrLit]) -> Vec<Hit> {
    let combined = &*COMBINED;
    let mut hits = Vec::new();
    for (i, s) in strings.iter().enumerate() {
        if s.value.len() > MAX_SEARCHED {
            continue;
        }
        let mut seen: u32 = 0;
        for m in combined.automaton.find_overlapping_iter(s.value.as_str()) {
            let (list, entry) = combined.origin[m.pattern().as_usize()];
            if seen & (1 << list) == 0 {
                seen |= 1 << list;
                hits.push(Hit {
                    string: i as u32,
                    list,
                    entry,
                });
            }
        }
    }
    hits
}

/// The first fragment of `list` each string of file `file` contains (case-insensitive, `\`
/// as `/`), once per line.
pub fn matches(
    pkg: &PackageFacts,
    file: usize,
    list: Fragments,
) -> Vec<(&StrLit, &'static str, &'static str)> {
    let list_id = LISTS
        .iter()
        // By content: a static's address is not kept when another static copies it.
        .position(|l| *l == list)
        .expect("fragment list registered in text::LISTS") as u8;
    let index = pkg
        .text
        .0
        .get_or_init(|| pkg.files.iter().map(|f| index_file(&f.strings)).collect());
    let strings = &pkg.files[file].strings;
    let mut out: Vec<(&StrLit, &str, &str)> = Vec::new();
    for hit in index[file].iter().filter(|h| h.list == list_id) {
        let s = &strings[hit.string as usize];
        if out
            .last()
            .is_some_and(|(l, _, _)| l.span.line == s.span.line)
        {
            continue;
        }
        let (fragment, why) = list[hit.entry as usize];
        out.push((s, fragment, why));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_is_registered_once_and_fits_the_hit_mask() {
        assert!(LISTS.len() <= 32);
        for (i, a) in LISTS.iter().enumerate() {
            for b in &LISTS[i + 1..] {
                assert!(a != b, "two lists are the same");
            }
            for (fragment, _) in a.iter() {
                assert_eq!(*fragment, fragment.to_ascii_lowercase(), "{fragment}");
            }
        }
    }
}
