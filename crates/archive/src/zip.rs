//! zip, wheel and egg members. Declared sizes are not trusted: only the bytes the
//! decompressor yields count.

use std::io::Cursor;

use crate::{Problem, Sink, path};

/// Unix file-type bits of a symbolic link.
const S_IFLNK: u32 = 0o120000;
const S_IFMT: u32 = 0o170000;

pub fn read(sink: &mut Sink, bytes: &[u8], prefix: &str, depth: u32) {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            sink.problems.push(Problem::Corrupt {
                detail: format!("{prefix}zip: {e}"),
            });
            return;
        }
    };
    for i in 0..archive.len() {
        if sink.stopped || !sink.admit() {
            break;
        }
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                sink.problems.push(Problem::Corrupt {
                    detail: format!("{prefix}member #{i}: {e}"),
                });
                continue;
            }
        };
        let raw = String::from_utf8_lossy(file.name_raw()).into_owned();
        let (clean, unsafe_reason) = path::sanitise(&raw);
        if let Some(reason) = unsafe_reason {
            sink.problems.push(Problem::UnsafePath {
                path: raw.chars().take(300).collect(),
                reason: reason.into(),
            });
        }
        let full = format!("{prefix}{clean}");
        if file.is_dir() || clean.is_empty() {
            continue;
        }
        if file.unix_mode().is_some_and(|m| m & S_IFMT == S_IFLNK) {
            let mut target = Vec::new();
            let _ =
                std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, 4096), &mut target);
            sink.problems.push(Problem::Link {
                path: full,
                target: String::from_utf8_lossy(&target).into_owned(),
            });
            continue;
        }
        if file.encrypted() {
            sink.problems.push(Problem::Corrupt {
                detail: format!("{full}: encrypted member not read"),
            });
            continue;
        }
        sink.add(full, &mut file, depth);
    }
}
