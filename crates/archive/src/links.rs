//! Link members of a tar, resolved inside the archive as an extraction would lay them out:
//! a `setup.py` that is a hard or symbolic link to another member is, once pip has unpacked
//! the sdist, that member's bytes under the name `setup.py`. Links are never followed on
//! disk; they are resolved against the archive's own members, component by component (a
//! link to a folder, a path through a linked folder), with a bounded number of hops so a
//! loop ends, and never outside the archive's root.

use std::collections::HashMap;

/// Link hops while resolving one path (Linux's own limit is 40).
pub const MAX_HOPS: usize = 40;
/// Members one link to a folder may stand for.
pub const MAX_FOLDER_MEMBERS: usize = 10_000;

/// One link member as the tar holds it: its (sanitised) path and its raw target.
#[derive(Clone, Debug)]
pub struct LinkEntry {
    pub path: String,
    pub target: String,
    /// Hard links name another member from the archive's root; symbolic links are
    /// relative to the link's folder.
    pub hard: bool,
}

/// Why a link leads nowhere inside the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    Absolute,
    Outside,
    Loop,
    Missing(String),
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unresolved::Absolute => write!(f, "its target is an absolute path"),
            Unresolved::Outside => write!(f, "its target climbs out of the archive"),
            Unresolved::Loop => write!(f, "more than {MAX_HOPS} link hops (a loop?)"),
            Unresolved::Missing(p) => write!(f, "no member `{p}` in the archive"),
        }
    }
}

/// What a path names once every link on the way is followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A regular member (by its path).
    File(String),
    /// A folder holding members (by its path, "" for the root).
    Folder(String),
}

/// The links of one archive level, by path.
pub struct Links<'a> {
    by_path: HashMap<&'a str, &'a LinkEntry>,
}

impl<'a> Links<'a> {
    pub fn new(links: &'a [LinkEntry]) -> Self {
        Links {
            // The last entry of a name wins, as it does on extraction.
            by_path: links.iter().map(|l| (l.path.as_str(), l)).collect(),
        }
    }

    /// Follow `path` through links: `is_file(p)` says whether a regular member has path
    /// `p`, `is_folder(p)` whether members lie below `p/`.
    pub fn resolve(
        &self,
        path: &str,
        is_file: &dyn Fn(&str) -> bool,
        is_folder: &dyn Fn(&str) -> bool,
    ) -> Result<Resolved, Unresolved> {
        let mut done: Vec<String> = Vec::new();
        let mut todo: std::collections::VecDeque<String> =
            path.split('/').map(str::to_string).collect();
        let mut hops = 0;
        while let Some(part) = todo.pop_front() {
            match part.as_str() {
                "" | "." => continue,
                ".." => {
                    if done.pop().is_none() {
                        return Err(Unresolved::Outside);
                    }
                    continue;
                }
                _ => {}
            }
            done.push(part);
            let here = done.join("/");
            let Some(link) = self.by_path.get(here.as_str()) else {
                continue;
            };
            hops += 1;
            if hops > MAX_HOPS {
                return Err(Unresolved::Loop);
            }
            let target = link.target.replace('\\', "/");
            if target.starts_with('/') || target.contains('\0') {
                return Err(Unresolved::Absolute);
            }
            done.pop();
            if link.hard {
                done.clear();
            }
            for part in target.split('/').rev() {
                todo.push_front(part.to_string());
            }
            if todo.len() > 4096 {
                return Err(Unresolved::Loop);
            }
        }
        let here = done.join("/");
        if is_file(&here) {
            Ok(Resolved::File(here))
        } else if here.is_empty() || is_folder(&here) {
            Ok(Resolved::Folder(here))
        } else {
            Err(Unresolved::Missing(here.chars().take(300).collect()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(path: &str, target: &str, hard: bool) -> LinkEntry {
        LinkEntry {
            path: path.into(),
            target: target.into(),
            hard,
        }
    }

    #[test]
    fn chains_folders_loops_and_escapes() {
        let entries = [
            link("p/setup.py", "data/blob.txt", false),
            link("p/hard.py", "p/data/blob.txt", true),
            link("p/a", "b", false),
            link("p/b", "setup.py", false),
            link("p/loop1", "loop2", false),
            link("p/loop2", "loop1", false),
            link("p/out", "../../etc/passwd", false),
            link("p/abs", "/etc/passwd", false),
            link("p/lib", "src/lib", false),
            link("p/gone", "nothing", false),
        ];
        let links = Links::new(&entries);
        let files = ["p/data/blob.txt", "p/src/lib/__init__.py"];
        let is_file = |p: &str| files.contains(&p);
        let is_folder = |p: &str| files.iter().any(|f| f.starts_with(&format!("{p}/")));
        let r = |p: &str| links.resolve(p, &is_file, &is_folder);
        let file = |p: &str| Ok(Resolved::File(p.into()));
        assert_eq!(r("p/setup.py"), file("p/data/blob.txt"));
        assert_eq!(r("p/hard.py"), file("p/data/blob.txt"));
        assert_eq!(r("p/a"), file("p/data/blob.txt"));
        assert_eq!(r("p/loop1"), Err(Unresolved::Loop));
        assert_eq!(r("p/out"), Err(Unresolved::Outside));
        assert_eq!(r("p/abs"), Err(Unresolved::Absolute));
        assert_eq!(r("p/lib"), Ok(Resolved::Folder("p/src/lib".into())));
        assert_eq!(r("p/lib/__init__.py"), file("p/src/lib/__init__.py"));
        assert!(matches!(r("p/gone"), Err(Unresolved::Missing(_))));
    }
}
