//! malpi-names: is a package name an imitation of a popular project's?
//!
//! Most malicious packages reach victims through their name: a typo of a popular project
//! (`reqeusts`), a look-alike letter (`requеsts` with a Cyrillic `е`), a separator game
//! (`pythondateutil`), or a popular name with a prefix or suffix (`python3-dateutil`). The
//! checker compares a name with the popular-projects list shipped in `data/` (see its
//! `SOURCE.md`); a name on the list is never an imitation.

mod distance;
mod letters;

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

pub use distance::{Edit, one_edit};
pub use letters::fold_lookalikes;

/// The list shipped with malpi: `rank<TAB>name` lines.
const POPULAR_TSV: &str = include_str!("../data/popular-pypi.tsv");

/// Only projects this popular are imitated often enough to judge a one-letter edit by.
const MAX_TYPO_RANK: u32 = 5_000;
/// Shorter names are a letter away from too many honest names.
const MIN_TYPO_LEN: usize = 5;
/// Prefixes and suffixes squatters add to a popular name.
const AFFIXES: &[&str] = &[
    "python-", "python3-", "py-", "py3-", "py", "python", "-python", "-python3", "-py", "py3",
    "-dev", "-lib", "lib", "-sdk", "-api", "2", "3",
];

/// One popular project.
#[derive(Debug, Clone)]
struct Project {
    rank: u32,
    /// PEP 503 normalised.
    name: String,
}

/// The popular projects, indexed for one-edit lookups.
pub struct Popular {
    projects: Vec<Project>,
    by_name: FxHashMap<String, u32>,
    /// Each name with one letter deleted (and whole), to the projects it came from: two
    /// names one edit apart share an entry (a symmetric-delete index).
    deletions: FxHashMap<String, Vec<u32>>,
    /// Names with the separators taken out.
    joined: FxHashMap<String, u32>,
}

/// How a name imitates a popular project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Squat {
    /// The imitated project (normalised name) and its download rank.
    pub imitates: String,
    pub rank: u32,
    pub kind: SquatKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SquatKind {
    /// One letter added, dropped, replaced or two swapped.
    Typo(Edit),
    /// Letters from another script (or full-width, mathematical) that look Latin.
    LookAlike,
    /// The same letters with separators added or taken away.
    Separator,
    /// The popular name with a prefix or suffix.
    Affix(String),
}

impl std::fmt::Display for SquatKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SquatKind::Typo(e) => write!(f, "{e}"),
            SquatKind::LookAlike => f.write_str("look-alike letters from another script"),
            SquatKind::Separator => f.write_str("separators added or removed"),
            SquatKind::Affix(a) => write!(f, "`{a}` added to the name"),
        }
    }
}

impl Popular {
    /// The list compiled into malpi.
    pub fn builtin() -> &'static Popular {
        static BUILTIN: LazyLock<Popular> = LazyLock::new(|| Popular::parse(POPULAR_TSV));
        &BUILTIN
    }

    /// Read `rank<TAB>name` lines (a header line and malformed lines are skipped).
    pub fn parse(tsv: &str) -> Popular {
        let mut projects: Vec<Project> = tsv
            .lines()
            .filter_map(|l| {
                let (rank, name) = l.split_once('\t')?;
                Some(Project {
                    rank: rank.trim().parse().ok()?,
                    name: normalize(name.trim()),
                })
            })
            .filter(|p| !p.name.is_empty())
            .collect();
        projects.sort_by_key(|p| p.rank);
        let mut by_name = FxHashMap::default();
        let mut deletions: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut joined = FxHashMap::default();
        for (i, p) in projects.iter().enumerate() {
            let i = i as u32;
            by_name.entry(p.name.clone()).or_insert(i);
            joined.entry(p.name.replace('-', "")).or_insert(i);
            if p.rank <= MAX_TYPO_RANK && p.name.chars().count() >= MIN_TYPO_LEN {
                for variant in distance::deletions(&p.name) {
                    deletions.entry(variant).or_default().push(i);
                }
            }
        }
        Popular {
            projects,
            by_name,
            deletions,
            joined,
        }
    }

    pub fn len(&self) -> usize {
        self.projects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.projects.is_empty()
    }

    /// The download rank of a popular project.
    pub fn rank(&self, name: &str) -> Option<u32> {
        self.by_name
            .get(&normalize(name))
            .map(|&i| self.projects[i as usize].rank)
    }

    /// How `name` imitates a popular project, if it does.
    pub fn check(&self, name: &str) -> Option<Squat> {
        let name = normalize(name);
        if name.is_empty() || self.by_name.contains_key(&name) {
            return None;
        }
        let squat = |i: u32, kind: SquatKind| {
            let p = &self.projects[i as usize];
            Squat {
                imitates: p.name.clone(),
                rank: p.rank,
                kind,
            }
        };
        let folded = fold_lookalikes(&name);
        if folded != name {
            if let Some(&i) = self.by_name.get(&folded) {
                return Some(squat(i, SquatKind::LookAlike));
            }
        }
        let name = folded;
        if let Some(&i) = self.joined.get(&name.replace('-', "")) {
            if self.projects[i as usize].name != name {
                return Some(squat(i, SquatKind::Separator));
            }
        }
        if let Some(found) = self.typo_of(&name) {
            return Some(found);
        }
        for affix in AFFIXES {
            // Added anywhere: `python3-dateutil` is `python-dateutil` with a `3`.
            let bare = name
                .contains(affix)
                .then(|| name.replacen(affix, "", 1))
                .filter(|b| b.len() >= 4);
            if let Some(&i) = bare.and_then(|b| self.by_name.get(b.trim_matches('-'))) {
                if self.projects[i as usize].rank <= MAX_TYPO_RANK {
                    return Some(squat(i, SquatKind::Affix(affix.trim_matches('-').into())));
                }
            }
        }
        None
    }

    /// The best-ranked popular project one edit away.
    fn typo_of(&self, name: &str) -> Option<Squat> {
        if name.chars().count() < MIN_TYPO_LEN - 1 {
            return None;
        }
        let mut best: Option<(u32, Edit)> = None;
        for variant in distance::deletions(name) {
            for &i in self.deletions.get(&variant).into_iter().flatten() {
                let p = &self.projects[i as usize];
                if best
                    .as_ref()
                    .is_some_and(|(b, _)| self.projects[*b as usize].rank <= p.rank)
                {
                    continue;
                }
                if let Some(edit) = one_edit(name, &p.name) {
                    best = Some((i, edit));
                }
            }
        }
        best.map(|(i, edit)| Squat {
            imitates: self.projects[i as usize].name.clone(),
            rank: self.projects[i as usize].rank,
            kind: SquatKind::Typo(edit),
        })
    }
}

/// PEP 503: lower case, runs of `-`, `_` and `.` as one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
            continue;
        }
        if separator && !out.is_empty() {
            out.push('-');
        }
        separator = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// A version chosen to win a dependency-confusion race: a major of 90 or more (`99.0.0`,
/// `999.3.9`) outranks any internal package's real version.
pub fn is_confusion_version(version: &str) -> bool {
    version
        .trim()
        .trim_start_matches(['v', 'V'])
        .split(['.', '-', '+'])
        .next()
        .and_then(|major| major.parse::<u64>().ok())
        .is_some_and(|major| (90..1900).contains(&major))
}

#[cfg(test)]
mod tests;
