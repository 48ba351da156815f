//! tar, tar.gz, tar.bz2, tar.xz members, streamed through a counted decoder.

use std::io::Read;

use std::collections::{HashMap, HashSet};

use crate::budget::{Counted, LIMIT_MESSAGE};
use crate::format::Format;
use crate::links::{LinkEntry, Links, MAX_FOLDER_MEMBERS, Resolved};
use crate::{LimitKind, Problem, Sink, path};

type Decoded<'b> = tar::Archive<Counted<Box<dyn Read + 'b>>>;

/// The tar inside `bytes`, decoded through a reader counted against the budget, and the
/// count of bytes it produced.
fn open<'b>(
    sink: &Sink,
    bytes: &'b [u8],
    format: Format,
) -> (Decoded<'b>, std::rc::Rc<std::cell::Cell<u64>>) {
    // Python reads every gzip member; so do we (a second member is a hiding place).
    let decoder: Box<dyn Read + 'b> = match format {
        Format::TarGz => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        Format::TarBz2 => Box::new(bzip2::read::MultiBzDecoder::new(bytes)),
        Format::TarXz => Box::new(lzma_rust2::XzReader::new(bytes, true)),
        _ => Box::new(bytes),
    };
    let counted = Counted::new(decoder, sink.budget.left(&sink.limits));
    let count = counted.count.clone();
    (tar::Archive::new(counted), count)
}

pub fn read(sink: &mut Sink, bytes: &[u8], format: Format, prefix: &str, depth: u32) {
    let (mut archive, count) = open(sink, bytes, format);
    // This level's regular members (path from its root → index in `sink.members`) and
    // links, for resolving the links once every member is known.
    let mut level: HashMap<String, usize> = HashMap::new();
    let mut links: Vec<LinkEntry> = Vec::new();
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
            if links.len() < sink.limits.max_members && !clean.is_empty() {
                links.push(LinkEntry {
                    path: clean,
                    target,
                    hard: kind.is_hard_link(),
                });
            }
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous()) || clean.is_empty() {
            continue;
        }
        if !sink.admit() {
            break;
        }
        sink.add(full, &mut entry, depth);
        level.insert(clean, sink.members.len() - 1);
    }
    if !links.is_empty() {
        resolve_links(sink, bytes, format, prefix, &level, &links);
    }
}

/// Add each link that leads to a member (or a folder of members) inside this archive as
/// members under the link's name holding the target's bytes, as an extraction lays them
/// out. Targets whose bytes were not kept whole (their own name is not wanted) are read
/// again in one more bounded pass.
fn resolve_links(
    sink: &mut Sink,
    bytes: &[u8],
    format: Format,
    prefix: &str,
    level: &HashMap<String, usize>,
    links: &[LinkEntry],
) {
    let folders: HashSet<&str> = level
        .keys()
        .flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..i]))
        .collect();
    let table = Links::new(links);
    let is_file = |p: &str| level.contains_key(p);
    let is_folder = |p: &str| folders.contains(p);
    // (link-side path, target member path), in archive order.
    let mut copies: Vec<(String, String)> = Vec::new();
    for link in links {
        match table.resolve(&link.path, &is_file, &is_folder) {
            Ok(Resolved::File(target)) => copies.push((link.path.clone(), target)),
            Ok(Resolved::Folder(dir)) => {
                let mut below: Vec<&String> = level
                    .keys()
                    .filter(|p| dir.is_empty() || p.starts_with(&format!("{dir}/")))
                    .collect();
                below.sort();
                for p in below.into_iter().take(MAX_FOLDER_MEMBERS) {
                    let rest = if dir.is_empty() {
                        p
                    } else {
                        &p[dir.len() + 1..]
                    };
                    copies.push((format!("{}/{rest}", link.path), p.clone()));
                }
            }
            // Reported as a link already; nothing inside the archive to read.
            Err(_) => {}
        }
    }
    // Targets to read again: wanted under the link's name but not held whole.
    let whole = |m: &crate::Member| m.complete && m.data.len() as u64 == m.size;
    let mut again: HashMap<String, Option<(Vec<u8>, u64, bool)>> = HashMap::new();
    for (at, target) in &copies {
        if (sink.keep)(&format!("{prefix}{at}")) && !whole(&sink.members[level[target]]) {
            again.insert(target.clone(), None);
        }
    }
    if !again.is_empty() {
        read_again(sink, bytes, format, &mut again);
    }
    for (at, target) in copies {
        if !sink.admit() {
            break;
        }
        let path = format!("{prefix}{at}");
        let source = &sink.members[level[&target]];
        let (data, size, complete) = match again.get(&target) {
            Some(Some((data, size, complete))) => (data.clone(), *size, *complete),
            _ => (source.data.clone(), source.size, whole(source)),
        };
        sink.add_copy(path, data, size, complete);
    }
}

/// One more pass over the tar for the members named in `wanted`, read whole (up to the
/// member and kept-bytes limits, counted against the same budget).
fn read_again(
    sink: &mut Sink,
    bytes: &[u8],
    format: Format,
    wanted: &mut HashMap<String, Option<(Vec<u8>, u64, bool)>>,
) {
    let (mut archive, _) = open(sink, bytes, format);
    let Ok(entries) = archive.entries() else {
        return;
    };
    for entry in entries {
        let Ok(mut entry) = entry else {
            break;
        };
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind.is_contiguous()) {
            continue;
        }
        let (clean, _) = path::sanitise(&String::from_utf8_lossy(&entry.path_bytes()));
        let Some(slot) = wanted.get_mut(&clean) else {
            continue;
        };
        let room = sink.limits.max_kept_bytes.saturating_sub(sink.kept);
        let cap = sink.limits.max_member_bytes.min(room);
        let (data, size, complete, _) =
            crate::budget::read_member(&mut entry, cap, true, &mut sink.budget);
        *slot = Some((data, size, complete));
        if sink.budget.exceeded(&sink.limits).is_some() {
            break;
        }
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
