//! tar, tar.gz, tar.bz2, tar.xz members, streamed through a counted decoder.

use std::io::Read;

use crate::budget::{Counted, LIMIT_MESSAGE};
use crate::format::Format;
use crate::{LimitKind, Problem, Sink, path};

pub fn read(sink: &mut Sink, bytes: &[u8], format: Format, prefix: &str, depth: u32) {
    // Python reads every gzip member; so do we (a second member is a hiding place).
    let decoder: Box<dyn Read + '_> = match format {
        Format::TarGz => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        Format::TarBz2 => Box::new(bzip2::read::MultiBzDecoder::new(bytes)),
        Format::TarXz => Box::new(lzma_rust2::XzReader::new(bytes, true)),
        _ => Box::new(bytes),
    };
    let counted = Counted::new(decoder, sink.budget.left(&sink.limits));
    let count = counted.count.clone();
    let mut archive = tar::Archive::new(counted);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            sink.problems.push(Problem::Corrupt {
                detail: format!("{prefix}: {e}"),
            });
            return;
        }
    };
    for entry in entries {
        if sink.stopped {
            break;
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                report_stop(sink, prefix, &e, count.get());
                break;
            }
        };
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let (clean, unsafe_reason) = path::sanitise(&raw);
        if let Some(reason) = unsafe_reason {
            sink.problems.push(Problem::UnsafePath {
                path: cut(&raw),
                reason: reason.into(),
            });
        }
        let full = format!("{prefix}{clean}");
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|t| String::from_utf8_lossy(&t).into_owned())
                .unwrap_or_default();
            sink.problems.push(Problem::Link {
                path: full,
                target: cut(&target),
            });
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous()) || clean.is_empty() {
            continue;
        }
        if !sink.admit() {
            break;
        }
        sink.add(full, &mut entry, depth);
    }
}

fn report_stop(sink: &mut Sink, prefix: &str, e: &std::io::Error, produced: u64) {
    if e.to_string().contains(LIMIT_MESSAGE) {
        sink.trip(
            LimitKind::TotalBytes,
            format!(
                "decompressed data exceeds the budget after {produced} bytes (decompression bomb?)"
            ),
        );
    } else {
        let place = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}: ")
        };
        sink.problems.push(Problem::Corrupt {
            detail: format!("{place}{e}"),
        });
    }
}

fn cut(s: &str) -> String {
    s.chars().take(300).collect()
}
