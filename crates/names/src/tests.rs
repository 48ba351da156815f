use super::*;

fn check(name: &str) -> Option<Squat> {
    Popular::builtin().check(name)
}

#[test]
fn the_list_is_compiled_in() {
    assert!(Popular::builtin().len() > 14_000);
    assert_eq!(Popular::builtin().rank("boto3"), Some(1));
}

#[test]
fn each_squatting_kind_is_named() {
    let swapped = check("reqeusts").expect("a swap");
    assert_eq!(swapped.imitates, "requests");
    assert_eq!(swapped.kind, SquatKind::Typo(Edit::Swapped('u', 'e')));
    assert!(matches!(
        check("requestss").unwrap().kind,
        SquatKind::Typo(Edit::Doubled('s'))
    ));
    assert!(matches!(
        check("reqests").unwrap().kind,
        SquatKind::Typo(Edit::Dropped('u'))
    ));
    assert!(matches!(
        check("requezts").unwrap().kind,
        SquatKind::Typo(Edit::Replaced {
            neighbour: true,
            ..
        })
    ));
    assert_eq!(check("requеsts").unwrap().kind, SquatKind::LookAlike); // Cyrillic е
    assert_eq!(check("pythondateutil").unwrap().kind, SquatKind::Separator);
    assert_eq!(check("pythondateutil").unwrap().imitates, "python-dateutil");
    assert!(matches!(
        check("python3-dateutil").unwrap().kind,
        SquatKind::Affix(_)
    ));
    assert!(matches!(
        check("colourama").unwrap().kind,
        SquatKind::Typo(Edit::Added('u'))
    ));
}

#[test]
fn popular_projects_and_honest_pairs_are_not_flagged() {
    for name in [
        "requests",
        "Requests",
        "python_dateutil",
        "PyYAML",
        "pyyaml",
        "types-requests",
        "boto3-stubs",
        "urllib3",
        "typing-extensions",
    ] {
        assert_eq!(check(name), None, "{name}");
    }
    // Version digits are not typos, nor successors' names.
    assert_eq!(one_edit("boto2", "boto3"), None);
    assert_eq!(check("httpx2"), None);
}

#[test]
fn requirement_names() {
    assert_eq!(
        requirement_name("reqeusts[socks]>=2; extra == 'x'"),
        "reqeusts"
    );
    assert_eq!(requirement_name(" helper @ https://x/h.tar.gz"), "helper");
}

#[test]
fn pep503_normalisation() {
    assert_eq!(normalize("Python__Date.Util"), "python-date-util");
    assert_eq!(normalize("  zope.interface "), "zope-interface");
}

#[test]
fn dependency_confusion_versions() {
    assert!(is_confusion_version("99.0.0"));
    assert!(is_confusion_version("999.3.9"));
    assert!(!is_confusion_version("2024.1.0"));
    assert!(!is_confusion_version("1.26.0"));
}

#[test]
fn one_name_is_checked_in_well_under_ten_milliseconds() {
    let popular = Popular::builtin();
    let start = std::time::Instant::now();
    for _ in 0..100 {
        std::hint::black_box(popular.check("reqeusts-toolbelt-extra"));
    }
    // Generous for a debug build on a loaded machine; release is far below.
    assert!(start.elapsed().as_millis() < 1_000, "{:?}", start.elapsed());
}

#[test]
fn only_pep508_names_pass_the_check() {
    for good in ["requests", "A", "zope.interface", "my_pkg-2", " padded "] {
        assert!(check_name(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "/tmp/x",
        "..",
        "../../etc",
        "a/b",
        "a\\b",
        "-lead",
        "trail.",
        "pirate balls",
        "\"quoted",
        "requ\u{435}sts",
        "nul\0byte",
        "a\nb",
    ] {
        assert!(check_name(bad).is_err(), "{bad:?}");
    }
    assert_eq!(check_name(&"a".repeat(300)), Err(NameError::TooLong(300)));
    assert_eq!(
        normalized_checked("Zope.Interface").unwrap(),
        "zope-interface"
    );
}
