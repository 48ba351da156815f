//! Turning what the user named into inputs: a package file, an unpacked package folder, or a
//! folder holding packages (walked recursively, links not followed).

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{path}: no such file or folder")]
    Missing { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

const PACKAGE_SUFFIXES: &[&str] = &[
    ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".whl", ".egg", ".py", ".tar",
];
/// Files whose presence at the top of a folder makes it an unpacked package.
const PACKAGE_MARKERS: &[&str] = &["setup.py", "pyproject.toml", "PKG-INFO", "setup.cfg"];

/// Expand the user's paths into the inputs to scan, in a stable order.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::symlink_metadata(p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DiscoverError::Missing { path: p.clone() },
            _ => DiscoverError::Io {
                path: p.clone(),
                source: e,
            },
        })?;
        if meta.is_dir() && !is_unpacked_package(p) {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn is_unpacked_package(dir: &Path) -> bool {
    PACKAGE_MARKERS.iter().any(|m| dir.join(m).is_file())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DiscoverError> {
    let io = |e| DiscoverError::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let ft = entry.file_type().map_err(io)?;
        if ft.is_symlink() {
            continue;
        }
        if ft.is_dir() {
            if is_unpacked_package(&path) {
                out.push(path);
            } else {
                walk(&path, out)?;
            }
        } else if ft.is_file() {
            let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
            if PACKAGE_SUFFIXES.iter().any(|s| name.ends_with(s)) || has_archive_magic(&path) {
                out.push(path);
            }
        }
    }
    Ok(())
}

fn has_archive_magic(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 6];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = &head[..n];
    head.starts_with(b"PK\x03\x04")
        || head.starts_with(&[0x1f, 0x8b])
        || head.starts_with(b"BZh")
        || head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0])
}
