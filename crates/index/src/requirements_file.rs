//! pip requirements files: one requirement a line, `#` comments, `\` continuations,
//! `-r other.txt` nesting (relative to the including file). pip's options that choose
//! indexes or install modes (`--index-url`, `-e`, `-c`, `--hash` …) are not followed: they
//! become warnings, so the user knows they were not taken into account.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::requirement::{Requirement, RequirementError, strip_comment};

/// Files included through `-r` more deeply than this are refused (a loop, or a prank).
const MAX_DEPTH: usize = 16;
/// A requirements file larger than this is not one.
const MAX_FILE_BYTES: u64 = 8 << 20;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequirementsFile {
    /// With where each came from (`file:line`).
    pub requirements: Vec<(Requirement, String)>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Error)]
pub enum RequirementsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: larger than {MAX_FILE_BYTES} bytes")]
    TooLarge { path: PathBuf },
    #[error("{path}: `-r` nesting deeper than {MAX_DEPTH} (a loop?)")]
    TooDeep { path: PathBuf },
    #[error("{at}: {source}")]
    Line {
        at: String,
        source: RequirementError,
    },
}

/// Read a requirements file and the files it includes.
pub fn read_requirements(path: &Path) -> Result<RequirementsFile, RequirementsError> {
    let mut out = RequirementsFile::default();
    read_into(path, 0, &mut out)?;
    Ok(out)
}

fn read_into(
    path: &Path,
    depth: usize,
    out: &mut RequirementsFile,
) -> Result<(), RequirementsError> {
    if depth > MAX_DEPTH {
        return Err(RequirementsError::TooDeep { path: path.into() });
    }
    let read_error = |source| RequirementsError::Read {
        path: path.into(),
        source,
    };
    let len = std::fs::metadata(path).map_err(read_error)?.len();
    if len > MAX_FILE_BYTES {
        return Err(RequirementsError::TooLarge { path: path.into() });
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    let text = String::from_utf8_lossy(&bytes);
    for (line_no, line) in logical_lines(&text) {
        let at = format!("{}:{line_no}", path.display());
        let line = strip_comment(&line).trim().to_string();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('-') {
            let (option, value) = split_option(&line);
            match option {
                "-r" | "--requirement" => {
                    let nested = path.parent().unwrap_or(Path::new(".")).join(value);
                    read_into(&nested, depth + 1, out)?;
                }
                _ => out.warnings.push(format!(
                    "{at}: `{option}` is not followed by malpi; ignored"
                )),
            }
            continue;
        }
        // `name==1.0 --hash=sha256:…`: per-requirement options are pip's business.
        let requirement_text = line.split(" --").next().unwrap_or(&line);
        let requirement =
            requirement_text
                .parse::<Requirement>()
                .map_err(|source| RequirementsError::Line {
                    at: at.clone(),
                    source,
                })?;
        out.requirements.push((requirement, at));
    }
    Ok(())
}

/// Lines joined across trailing backslashes, numbered by their first physical line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, physical) in text.lines().enumerate() {
        let (start, mut joined) = current.take().unwrap_or((i + 1, String::new()));
        match physical.strip_suffix('\\') {
            Some(head) => {
                joined.push_str(head);
                current = Some((start, joined));
            }
            None => {
                joined.push_str(physical);
                lines.push((start, joined));
            }
        }
    }
    lines.extend(current);
    lines
}

/// `-r x`, `-rx`, `--requirement=x`, `--requirement x` → (option, value).
fn split_option(line: &str) -> (&str, &str) {
    if let Some(long) = line.strip_prefix("--") {
        let end = long.find(['=', ' ', '\t']).unwrap_or(long.len());
        let value = long[end..].trim_start_matches(['=', ' ', '\t']).trim();
        return (&line[..end + 2], value);
    }
    let option = line.get(..2).unwrap_or(line);
    (
        option,
        line.get(2..).unwrap_or("").trim_start_matches('=').trim(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_files_comments_continuations_and_options() {
        let dir = std::env::temp_dir().join(format!("malpi-reqs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(
            dir.join("requirements.txt"),
            "# top\n--index-url https://example/simple\nrequests==2.32.3 --hash=sha256:ab \\\n  --hash=sha256:cd\n\nflask>=3  # web\n-r sub/more.txt\n-e .\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("sub/more.txt"),
            "--requirement=../leaf.txt\nattrs\\\n[tests]\n",
        )
        .unwrap();
        std::fs::write(dir.join("leaf.txt"), "six\n").unwrap();
        let got = read_requirements(&dir.join("requirements.txt")).unwrap();
        let names: Vec<_> = got
            .requirements
            .iter()
            .map(|(r, _)| r.name.as_str())
            .collect();
        assert_eq!(names, ["requests", "flask", "six", "attrs"]);
        assert_eq!(got.requirements[3].0.extras, ["tests"]);
        assert!(got.requirements[0].1.ends_with("requirements.txt:3"));
        assert_eq!(got.warnings.len(), 2, "{:?}", got.warnings);

        std::fs::write(dir.join("loop.txt"), "-r loop.txt\n").unwrap();
        assert!(matches!(
            read_requirements(&dir.join("loop.txt")),
            Err(RequirementsError::TooDeep { .. })
        ));
        std::fs::write(dir.join("bad.txt"), "ok\nnot a requirement!\n").unwrap();
        let err = read_requirements(&dir.join("bad.txt"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.txt:2"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
