//! The content-addressed download cache: `<root>/sha256/ab/abcdef…` holds the file whose
//! sha256 is `abcdef…`. Files arrive as `<name>.part` next to their final place and are
//! renamed when complete and verified, so a reader never sees half a file; a `.part` left
//! by an interrupted download is resumed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::url::is_sha256_hex;

#[derive(Debug, Error)]
pub enum CacheError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{0}` cannot be a file name here")]
    UnsafeName(String),
}

impl CacheError {
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
        move |source| CacheError::Io {
            path: path.into(),
            source,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Cache {
    root: PathBuf,
}

/// `$XDG_CACHE_HOME/malpi`, else `~/.cache/malpi`, else a folder in the temp dir.
pub fn default_cache_dir() -> PathBuf {
    let non_empty = |key| {
        std::env::var_os(key)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    non_empty("XDG_CACHE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| non_empty("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("malpi")
}

impl Cache {
    pub fn new(root: impl Into<PathBuf>) -> Cache {
        Cache { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file with this sha256 lives (whether or not it is there). `None` for
    /// anything but 64 hex digits.
    pub fn path_for(&self, sha256: &str) -> Option<PathBuf> {
        if !is_sha256_hex(sha256) {
            return None;
        }
        let hex = sha256.to_ascii_lowercase();
        Some(self.root.join("sha256").join(&hex[..2]).join(hex))
    }

    /// The cached file with this sha256, if present and still intact (a damaged one is
    /// removed so that it is fetched again).
    pub fn get(&self, sha256: &str) -> Option<PathBuf> {
        let path = self.path_for(sha256)?;
        match sha256_file(&path) {
            Ok(actual) if actual.eq_ignore_ascii_case(sha256) => Some(path),
            Ok(_) => {
                let _ = std::fs::remove_file(&path);
                None
            }
            Err(_) => None,
        }
    }

    /// The partial download of the file with this (trusted-format) sha256.
    pub(crate) fn part_path(&self, sha256: &str) -> Option<PathBuf> {
        let mut path = self.path_for(sha256)?.into_os_string();
        path.push(".part");
        Some(path.into())
    }

    /// A fresh partial-download path for a file whose hash is unknown.
    pub(crate) fn temp_path(&self) -> PathBuf {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        self.root
            .join("tmp")
            .join(format!("{}-{n}.part", std::process::id()))
    }

    /// Move a complete, verified `part` to its content address.
    pub(crate) fn commit(&self, part: &Path, sha256: &str) -> Result<PathBuf, CacheError> {
        let dest = self
            .path_for(sha256)
            .ok_or_else(|| CacheError::UnsafeName(sha256.into()))?;
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(CacheError::io(dir))?;
        }
        std::fs::rename(part, &dest).map_err(CacheError::io(&dest))?;
        Ok(dest)
    }
}

/// The lower-case hex sha256 of a file's contents.
pub(crate) fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `filename` if it is safe as one file name in a folder of ours: no separators, no `..`,
/// not hidden, no control characters.
pub fn safe_file_name(filename: &str) -> Option<&str> {
    let ok = !filename.is_empty()
        && filename.len() <= 255
        && !filename.starts_with('.')
        && !filename
            .chars()
            .any(|c| matches!(c, '/' | '\\' | ':') || c.is_control());
    ok.then_some(filename)
}

/// Copy a cached file into `dir` as `filename` (temp file + rename: never half-written).
pub fn copy_out(cached: &Path, dir: &Path, filename: &str) -> Result<PathBuf, CacheError> {
    let name = safe_file_name(filename).ok_or_else(|| CacheError::UnsafeName(filename.into()))?;
    std::fs::create_dir_all(dir).map_err(CacheError::io(dir))?;
    let dest = dir.join(name);
    let temp = dir.join(format!(".{name}.malpi-tmp"));
    std::fs::copy(cached, &temp).map_err(CacheError::io(&temp))?;
    std::fs::rename(&temp, &dest).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        CacheError::Io {
            path: dest.clone(),
            source: e,
        }
    })?;
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_names() {
        let cache = Cache::new("/c");
        let h = "AB".to_string() + &"0".repeat(62);
        assert_eq!(
            cache.path_for(&h).unwrap(),
            Path::new("/c/sha256/ab").join(h.to_ascii_lowercase())
        );
        assert_eq!(cache.path_for("../../etc/passwd"), None);
        assert_eq!(safe_file_name("a-1.0.tar.gz"), Some("a-1.0.tar.gz"));
        for bad in ["", "..", ".hidden", "a/b", "..\\x", "a\nb", "c:x"] {
            assert_eq!(safe_file_name(bad), None, "{bad:?}");
        }
    }
}
