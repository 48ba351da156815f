//! The statistics and both reports on a small handmade data set whose every figure is known.

use malpi_study::{
    MirrorObservation, PackageRecord, Presence, ScanSummary, Stats, StudyData, Timestamp,
    render_html, render_markdown,
};

fn t(date: &str) -> Timestamp {
    Timestamp::parse(date).unwrap()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn scan(verdict: &str, categories: &[&str], triggers: &[&str], code: [u64; 3]) -> ScanSummary {
    ScanSummary {
        verdict: verdict.into(),
        categories: strings(categories),
        triggers: strings(triggers),
        python_files: code[0],
        python_lines: code[1],
        evidence_lines: code[2],
        ..ScanSummary::default()
    }
}

fn observation(
    mirror: &str,
    package: &str,
    version: Option<&str>,
    presence: Presence,
    at: &str,
) -> MirrorObservation {
    MirrorObservation {
        mirror: mirror.into(),
        package: package.into(),
        version: version.map(str::to_string),
        presence,
        observed_at: t(at),
    }
}

fn data() -> StudyData {
    let record = |name: &str, version: &str, sources: &[&str]| PackageRecord {
        name: name.into(),
        version: version.into(),
        sources: strings(sources),
        ..PackageRecord::default()
    };
    let a = PackageRecord {
        reported_at: Some(t("2024-01-10")),
        released_at: Some(t("2024-01-01")),
        scan: Some(ScanSummary {
            techniques: strings(&["obfuscated-text"]),
            platforms: strings(&["windows"]),
            ..scan(
                "malicious",
                &["command-execution", "information-stealing"],
                &["install", "runtime"],
                [2, 100, 5],
            )
        }),
        ..record("a", "1", &["checkmarx", "socket"])
    };
    let b = PackageRecord {
        reported_at: Some(t("2024-01-05")),
        released_at: Some(t("2024-01-04")),
        removed_at: Some(t("2024-01-06")),
        scan: Some(ScanSummary {
            platforms: strings(&["linux", "macos"]),
            ..scan("suspicious", &["file-operation"], &["import"], [1, 10, 0])
        }),
        ..record("b", "1", &["checkmarx"])
    };
    let c = PackageRecord {
        scan: Some(scan("clean", &[], &[], [0, 0, 0])),
        ..record("c", "2", &[])
    };
    let d = PackageRecord {
        scan: Some(scan("error", &[], &[], [0, 0, 0])),
        ..record("d", "1", &[])
    };
    let e = PackageRecord {
        reported_at: Some(t("2024-02-01")),
        ..record("e", "", &["socket"])
    };
    StudyData {
        packages: vec![a, b, c, d, e],
        mirror_observations: vec![
            observation("m1", "a", None, Presence::Present, "2024-03-10"),
            observation("m1", "b", None, Presence::Present, "2024-02-01"),
            observation("m1", "b", None, Presence::Absent, "2024-03-10"),
            observation("m2", "a", None, Presence::Error, "2024-03-10"),
            observation("m2", "b", Some("1"), Presence::Present, "2024-03-10"),
        ],
    }
}

fn counts(shares: &[malpi_study::Share]) -> Vec<(&str, usize, usize)> {
    shares
        .iter()
        .map(|s| (s.label.as_str(), s.count, s.total))
        .collect()
}

#[test]
fn dataset_and_sources() {
    let d = Stats::compute(&data()).dataset;
    assert_eq!(
        (d.packages, d.projects, d.scanned, d.analysed, d.unreported),
        (5, 5, 4, 3, 2)
    );
    assert_eq!(
        counts(&d.by_source),
        [("checkmarx", 2, 3), ("socket", 2, 3)]
    );
    assert_eq!(
        counts(&d.by_source_count),
        [
            ("1 source", 2, 3),
            ("2 sources", 1, 3),
            ("3+ sources", 0, 3)
        ]
    );
    assert_eq!(d.overlaps.len(), 1);
    assert_eq!(
        (
            d.overlaps[0].a.as_str(),
            d.overlaps[0].b.as_str(),
            d.overlaps[0].count
        ),
        ("checkmarx", "socket", 1)
    );
    assert_eq!(
        counts(&d.verdicts),
        [
            ("malicious", 1, 4),
            ("suspicious", 1, 4),
            ("clean", 1, 4),
            ("error", 1, 4)
        ]
    );
}

#[test]
fn behaviours_triggers_techniques_platforms() {
    let s = Stats::compute(&data());
    assert_eq!(
        counts(&s.categories),
        [
            ("command-execution", 1, 3),
            ("information-stealing", 1, 3),
            ("file-operation", 1, 3),
            ("code-execution", 0, 3),
            ("remote-control", 0, 3)
        ]
    );
    assert_eq!(s.categories[0].reference, Some(0.593));
    assert_eq!((s.multi_behaviour.count, s.multi_behaviour.total), (1, 3));
    // a: install and runtime, counted once under install; b: import.
    assert_eq!(
        counts(&s.earliest_triggers),
        [("install", 1, 2), ("import", 1, 2), ("runtime", 0, 2)]
    );
    assert_eq!(s.earliest_triggers[0].reference, Some(0.686));
    assert_eq!(
        counts(&s.any_triggers),
        [("install", 1, 2), ("import", 1, 2), ("runtime", 1, 2)]
    );
    assert_eq!(
        counts(&s.techniques),
        [("any technique", 1, 3), ("obfuscated-text", 1, 3)]
    );
    assert_eq!(
        counts(&s.platforms),
        [
            ("any platform check", 2, 3),
            ("windows", 1, 3),
            ("linux", 1, 3),
            ("macos", 1, 3),
            ("2+ platforms", 1, 3)
        ]
    );
}

#[test]
fn code_attributes() {
    let c = Stats::compute(&data()).code;
    let files = c.files.summary.unwrap();
    assert_eq!(
        (files.count, files.min, files.median, files.max),
        (3, 0.0, 1.0, 2.0)
    );
    let lines = c.lines.summary.unwrap();
    assert_eq!((lines.q1, lines.median, lines.q3), (5.0, 10.0, 55.0));
    let density = c.density.summary.unwrap();
    assert_eq!((density.count, density.median), (1, 0.05));
    assert_eq!(c.density.histogram[2].count, 1, "5% falls in the 5–10% bin");
}

#[test]
fn mirrors_and_lifecycle() {
    let s = Stats::compute(&data());
    let m: Vec<(&str, usize, usize, usize)> = s
        .mirrors
        .iter()
        .map(|m| (m.mirror.as_str(), m.probed, m.served, m.errors))
        .collect();
    // m1: b's latest probe is absent; m2: a's probe failed, b's version is served.
    assert_eq!(m, [("m1", 2, 1, 0), ("m2", 2, 1, 1)]);
    assert_eq!(
        s.mirrors[0].oldest_served,
        Some(("a".to_string(), t("2024-01-10")))
    );
    assert_eq!(
        s.mirrors[1].oldest_served,
        Some(("b".to_string(), t("2024-01-05")))
    );
    let incubation = s.lifecycle.incubation.summary.unwrap();
    assert_eq!(
        (
            incubation.count,
            incubation.min,
            incubation.median,
            incubation.max
        ),
        (2, 1.0, 5.0, 9.0)
    );
    // a: 2024-01-10 → 2024-03-10; b: 2024-01-05 → 2024-03-10 (m2 still serves its version).
    let residual = s.lifecycle.residual.summary.unwrap();
    assert_eq!(
        (residual.count, residual.min, residual.max),
        (2, 60.0, 65.0)
    );
}

#[test]
fn empty_data_renders_without_panic() {
    let stats = Stats::compute(&StudyData::default());
    assert!(render_html(&stats).contains("no mirror observations"));
    assert!(render_markdown(&stats).contains("No mirror observations"));
}

#[test]
fn html_has_every_section_loads_nothing_and_escapes_names() {
    let mut data = data();
    data.packages[0]
        .sources
        .push("<script>alert(1)</script>".into());
    data.mirror_observations[0].mirror = "<img src=x onerror=alert(1)>".into();
    data.packages[0]
        .scan
        .as_mut()
        .unwrap()
        .techniques
        .push("\"><svg onload=alert(1)>".into());
    let html = render_html(&Stats::compute(&data));
    for id in [
        "dataset",
        "code",
        "behaviours",
        "triggers",
        "techniques",
        "platforms",
        "mirrors",
        "lifecycle",
    ] {
        assert!(html.contains(&format!("<h2 id=\"{id}\">")), "section {id}");
    }
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert!(html.matches("<svg").count() >= 10, "charts are drawn");
    let lower = html.to_ascii_lowercase();
    for forbidden in [
        "<script",
        "<img",
        "<svg onload",
        "http://",
        "https://",
        " src=\"",
        "<iframe",
        "<object",
        "<link",
        "@import",
        "url(",
    ] {
        assert!(!lower.contains(forbidden), "{forbidden} in the page");
    }
    // Links only move within the page.
    assert!(
        html.split("href=\"")
            .skip(1)
            .all(|rest| rest.starts_with('#'))
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        html.contains("study 59.3%"),
        "the study's figure is drawn next to malpi's"
    );
}

#[test]
fn markdown_has_the_tables_and_escapes_names() {
    let mut data = data();
    data.mirror_observations[0].mirror = "m|<b>[x](y)".into();
    let md = render_markdown(&Stats::compute(&data));
    assert!(md.contains("| command-execution | 1 | 33.3% | 59.3% |"));
    assert!(md.contains("| install | 1 | 50.0% | 68.6% |"));
    assert!(md.contains(
        "| m\\|&lt;b&gt;\\[x\\](y) | 1 | 1 | 100.0% | 0 | a (2024-01-10) | 2024-03-10 |"
    ));
    assert!(
        md.contains(
            "| incubation (release → discovery) | 2 | 1.0 | 3.0 | 5.0 | 7.0 | 9.0 | 5.00 |"
        )
    );
}
