//! The study's tables in Markdown (for a terminal, an issue or a wiki). Cells from the data
//! are escaped so that a crafted name cannot add markup, links or raw HTML.

use std::fmt::Write;

use crate::escape::escape_markdown as esc;
use crate::stats::{Share, Stats};
use crate::svg::thousands;
use crate::tables::{self, Table};

pub fn render_markdown(stats: &Stats) -> String {
    let d = &stats.dataset;
    let mut md = String::with_capacity(16 << 10);
    md.push_str("# Malicious PyPI packages: the study, regenerated\n\n");
    let _ = writeln!(
        md,
        "{} projects, {} package versions, {} scanned ({} without a scan error).\n",
        thousands(d.projects),
        thousands(d.packages),
        thousands(d.scanned),
        thousands(d.analysed)
    );
    md.push_str("## Dataset by source\n\n");
    shares(&mut md, "source", "projects", &d.by_source);
    shares(&mut md, "reported by", "projects", &d.by_source_count);
    if d.overlaps.iter().any(|o| o.count > 0) {
        table(&mut md, &tables::overlaps(&d.overlaps));
    }
    let _ = writeln!(
        md,
        "Projects scanned but named by no report: {}.\n",
        thousands(d.unreported)
    );
    shares(&mut md, "verdict", "packages", &d.verdicts);

    md.push_str("## Code attributes\n\n");
    table(
        &mut md,
        &tables::distributions(&[
            ("Python files", &stats.code.files, 0),
            ("lines of code", &stats.code.lines, 0),
            ("malicious-code density", &stats.code.density, 3),
        ]),
    );
    md.push_str("## Behaviour categories\n\n");
    shares(&mut md, "category", "packages", &stats.categories);
    if let Some(text) = tables::multi_behaviour(&stats.multi_behaviour) {
        let _ = writeln!(md, "{text}\n");
    }
    md.push_str("## Triggers\n\nEach package once, by its earliest trigger:\n\n");
    shares(&mut md, "trigger", "packages", &stats.earliest_triggers);
    md.push_str("Packages with each trigger at all:\n\n");
    shares(&mut md, "trigger", "packages", &stats.any_triggers);
    md.push_str("## Anti-detection techniques\n\n");
    shares(&mut md, "technique", "packages", &stats.techniques);
    md.push_str("## Platform targeting\n\n");
    shares(&mut md, "platform", "packages", &stats.platforms);

    md.push_str("## Persistence on mirrors\n\n");
    if stats.mirrors.is_empty() {
        md.push_str("No mirror observations in the data.\n\n");
    } else {
        table(&mut md, &tables::mirrors(&stats.mirrors));
    }
    md.push_str("## Lifecycle (days)\n\n");
    table(
        &mut md,
        &tables::distributions(&[
            (
                "incubation (release → discovery)",
                &stats.lifecycle.incubation,
                1,
            ),
            (
                "residual (discovery → last seen)",
                &stats.lifecycle.residual,
                1,
            ),
        ]),
    );
    let lc = &stats.lifecycle;
    if lc.reported_before_release > 0 {
        let _ = writeln!(
            md,
            "{} package versions have no release time before their first report (no upload time known, and first seen on a mirror after the report) and are left out of the incubation period.\n",
            thousands(lc.reported_before_release)
        );
    }
    if lc.gone_before_first_check > 0 {
        let _ = writeln!(
            md,
            "{} reported package versions were already gone from PyPI at the first check and never seen on a mirror: their residual period is unknown and left out.\n",
            thousands(lc.gone_before_first_check)
        );
    }
    md
}

fn shares(md: &mut String, what: &'static str, unit: &'static str, rows: &[Share]) {
    if rows.iter().all(|s| s.total == 0) {
        let _ = writeln!(md, "No data for {what}.\n");
        return;
    }
    table(md, &tables::shares(what, unit, rows));
}

fn table(md: &mut String, t: &Table) {
    let cells = |row: Vec<String>| format!("| {} |\n", row.join(" | "));
    md.push_str(&cells(t.columns.iter().map(|(c, _)| esc(c)).collect()));
    md.push_str(&cells(
        t.columns
            .iter()
            .map(|(_, numeric)| if *numeric { "---:" } else { "---" }.to_string())
            .collect(),
    ));
    for row in &t.rows {
        md.push_str(&cells(row.iter().map(|c| esc(c)).collect()));
    }
    md.push('\n');
}
