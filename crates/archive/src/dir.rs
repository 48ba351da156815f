//! An unpacked package folder, read like an archive: same limits, links reported and never
//! followed.

use std::fs;
use std::path::Path;

use crate::budget::Budget;
use crate::format::Format;
use crate::{Archive, ArchiveError, Limits, Problem, Sink};

pub fn read_dir_tree(
    root: &Path,
    limits: &Limits,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Archive, ArchiveError> {
    let mut sink = Sink {
        limits: limits.clone(),
        keep,
        budget: Budget::new(u64::MAX / 2),
        members: Vec::new(),
        kept: 0,
        problems: Vec::new(),
        stopped: false,
    };
    // The root itself must be readable; errors below it become problems.
    fs::read_dir(root).map_err(|e| ArchiveError::Io {
        path: root.display().to_string(),
        source: e,
    })?;
    walk(&mut sink, root, "", 0);
    Ok(Archive {
        format: Format::Unknown,
        members: sink.members,
        problems: sink.problems,
    })
}

fn walk(sink: &mut Sink, dir: &Path, rel: &str, level: u32) {
    if level > 64 {
        sink.problems.push(Problem::Corrupt {
            detail: format!("{rel}: folders nested too deep"),
        });
        return;
    }
    let mut entries = match fs::read_dir(dir) {
        Ok(rd) => rd.flatten().collect::<Vec<_>>(),
        Err(e) => {
            sink.problems.push(Problem::Corrupt {
                detail: format!("{rel}: {e}"),
            });
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if sink.stopped {
            return;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_symlink() {
            let target = fs::read_link(entry.path())
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            sink.problems.push(Problem::Link { path, target });
        } else if ft.is_dir() {
            walk(sink, &entry.path(), &path, level + 1);
        } else if ft.is_file() {
            if !sink.admit() {
                return;
            }
            match fs::File::open(entry.path()) {
                Ok(mut f) => sink.add(path, &mut f, 0),
                Err(e) => sink.problems.push(Problem::Corrupt {
                    detail: format!("{path}: {e}"),
                }),
            }
        }
    }
}
