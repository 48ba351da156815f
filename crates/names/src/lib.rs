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
    "-dev", "-lib", "lib", "-sdk", "-api",
];
/// Parts squatters swap for another (`python3-dateutil` for `python-dateutil`). Bare digits
/// are not among them: `httpx2` and `boto3` are honest successors.
const SWAPS: &[(&str, &str)] = &[
    ("python3", "python"),
    ("py3", "py"),
    ("python", "py"),
    ("py", "python"),
];

/// One popular project.
#[derive(Debug, Clone)]
struct Project {
    rank: u32,
    /// PEP 503 normalised.
    name: String,
}

/// The popular projects, sorted for lookups by name. No hash index: building one costs more
/// than the few lookups a command makes, and a scan of the best-ranked names for one-edit
/// neighbours takes microseconds.
pub struct Popular {
    /// By rank.
    projects: Vec<Project>,
    /// `(normalised name, index)`, sorted by name.
    by_name: Vec<(String, u32)>,
    /// `(name without separators, index)`, sorted.
    joined: Vec<(String, u32)>,
    /// Character count of each of the best-ranked projects, for the one-edit scan.
    typo_lengths: Vec<u16>,
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

impl SquatKind {
    /// Kinds that few honest names show: what a dependency list is judged by (honest
    /// dependencies are often one letter from a popular name: `jaraco.test`, `httpx2`).
    pub fn is_unmistakable(&self) -> bool {
        matches!(
            self,
            SquatKind::LookAlike
                | SquatKind::Separator
                | SquatKind::Typo(Edit::Swapped(..) | Edit::Doubled(_))
        )
    }
}

impl std::fmt::Display for SquatKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SquatKind::Typo(e) => write!(f, "{e}"),
            SquatKind::LookAlike => f.write_str("look-alike letters from another script"),
            SquatKind::Separator => f.write_str("separators added or removed"),
            SquatKind::Affix(a) => write!(f, "`{a}` added to (or swapped into) the name"),
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
        let mut by_name: Vec<(String, u32)> = projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i as u32))
            .collect();
        // Stable: of two projects normalising alike, the better-ranked one is found first.
        by_name.sort_by(|a, b| a.0.cmp(&b.0));
        let mut joined: Vec<(String, u32)> = projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.replace('-', ""), i as u32))
            .collect();
        joined.sort_by(|a, b| a.0.cmp(&b.0));
        let typo_lengths = projects
            .iter()
            .take_while(|p| p.rank <= MAX_TYPO_RANK)
            .map(|p| p.name.chars().count().min(u16::MAX as usize) as u16)
            .collect();
        Popular {
            projects,
            by_name,
            joined,
            typo_lengths,
        }
    }

    fn find(list: &[(String, u32)], key: &str) -> Option<u32> {
        let at = list.partition_point(|(k, _)| k.as_str() < key);
        list.get(at).filter(|(k, _)| k == key).map(|&(_, i)| i)
    }

    pub fn len(&self) -> usize {
        self.projects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.projects.is_empty()
    }

    /// The download rank of a popular project.
    pub fn rank(&self, name: &str) -> Option<u32> {
        Self::find(&self.by_name, &normalize(name)).map(|i| self.projects[i as usize].rank)
    }

    /// How `name` imitates a popular project, if it does.
    pub fn check(&self, name: &str) -> Option<Squat> {
        let name = normalize(name);
        if name.is_empty() || Self::find(&self.by_name, &name).is_some() {
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
            if let Some(i) = Self::find(&self.by_name, &folded) {
                return Some(squat(i, SquatKind::LookAlike));
            }
        }
        let name = folded;
        if let Some(i) = Self::find(&self.joined, &name.replace('-', "")) {
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
            if let Some(i) = bare.and_then(|b| Self::find(&self.by_name, b.trim_matches('-'))) {
                if self.projects[i as usize].rank <= MAX_TYPO_RANK {
                    return Some(squat(i, SquatKind::Affix(affix.trim_matches('-').into())));
                }
            }
        }
        for (from, to) in SWAPS {
            if let Some(i) = name
                .contains(from)
                .then(|| name.replacen(from, to, 1))
                .and_then(|swapped| Self::find(&self.by_name, &swapped))
            {
                if self.projects[i as usize].rank <= MAX_TYPO_RANK {
                    return Some(squat(i, SquatKind::Affix((*from).into())));
                }
            }
        }
        None
    }

    /// The best-ranked popular project one edit away.
    fn typo_of(&self, name: &str) -> Option<Squat> {
        let len = name.chars().count();
        if len < MIN_TYPO_LEN - 1 {
            return None;
        }
        // Projects are in rank order: the first one edit away is the best-ranked.
        self.typo_lengths
            .iter()
            .enumerate()
            .filter(|(_, l)| (**l as usize).abs_diff(len) <= 1 && **l as usize >= MIN_TYPO_LEN)
            .find_map(|(i, _)| {
                let p = &self.projects[i];
                one_edit(name, &p.name).map(|edit| Squat {
                    imitates: p.name.clone(),
                    rank: p.rank,
                    kind: SquatKind::Typo(edit),
                })
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

/// Longest project name accepted (PyPI's longest real names are well under 100).
pub const MAX_NAME_LEN: usize = 256;

/// Why a string is not a project name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("empty project name")]
    Empty,
    #[error("project name longer than {MAX_NAME_LEN} bytes ({0})")]
    TooLong(usize),
    #[error("`{name}` is not a PEP 508 project name: {reason}")]
    Invalid { name: String, reason: &'static str },
}

/// A PEP 508 project name: ASCII letters and digits, with `.`, `_` and `-` inside (never at
/// either end), at most [`MAX_NAME_LEN`] bytes. Surrounding white space is ignored. Only
/// such names may become paths: their normalised form is `[a-z0-9]` runs joined by `-`.
pub fn check_name(name: &str) -> Result<(), NameError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.len() > MAX_NAME_LEN {
        return Err(NameError::TooLong(name.len()));
    }
    let invalid = |reason| {
        Err(NameError::Invalid {
            name: name.escape_debug().collect(),
            reason,
        })
    };
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return invalid("only ASCII letters, digits, `.`, `_` and `-` are allowed");
    }
    let edge = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    if !edge(name.as_bytes().first()) || !edge(name.as_bytes().last()) {
        return invalid("it must start and end with a letter or digit");
    }
    Ok(())
}

/// The normalised form of a valid name (see [`check_name`]): safe as one path component.
pub fn normalized_checked(name: &str) -> Result<String, NameError> {
    check_name(name)?;
    Ok(normalize(name))
}

/// The project a requirement names: `foo[bar]>=1; extra == "x"` and `foo @ https://…` give
/// `foo`.
pub fn requirement_name(requirement: &str) -> &str {
    let r = requirement.trim();
    let end = r
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(r.len());
    &r[..end]
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
