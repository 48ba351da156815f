//! The study as one self-contained HTML file: inline CSS, inline SVG charts, no script and
//! nothing loaded from anywhere, so it opens offline and cannot call out. Every string from
//! the data is escaped (hand-written: the page is a few fixed sections, and one escape
//! function with a test is easier to audit than a template engine's configuration).

use std::fmt::Write;

use crate::distribution::Distribution;
use crate::escape::escape_html as esc;
use crate::lifecycle::MirrorPersistence;
use crate::stats::{Share, Stats};
use crate::svg::{self, BarRow, percent, thousands};
use crate::tables::{self, Table};

const STYLE: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2433;margin:0;background:#f4f5f8}
main{max-width:860px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:26px;margin:8px 0 4px}h2{font-size:20px;margin:36px 0 8px;border-bottom:2px solid #e3e6ee;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px;color:#4a5468}
p.note{color:#5b6478;font-size:13px;margin:4px 0 10px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.card{flex:1 1 150px;border:1px solid #e3e6ee;border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:22px}.card span{color:#5b6478;font-size:13px}
table{border-collapse:collapse;margin:8px 0 14px;font-size:13px;min-width:50%}
th,td{border-bottom:1px solid #e3e6ee;padding:4px 10px;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.empty{color:#8a92a5;font-style:italic}
svg{display:block;max-width:100%;height:auto;margin:6px 0}
svg .label{font-size:12px;fill:#1d2433}svg .value{font-size:12px;fill:#1d2433;font-weight:600}
svg .refvalue,svg .legend{font-size:11px;fill:#5b6478}
svg .bar{fill:#3b6fd8}svg .track{fill:#eef1f7}svg .ref{fill:#f0a93b}svg .axis{stroke:#9aa3b5}
nav a{margin-right:12px;font-size:13px;color:#3b6fd8}
";

/// The whole report, one HTML document.
pub fn render_html(stats: &Stats) -> String {
    let d = &stats.dataset;
    let mut page = String::with_capacity(64 << 10);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    page.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    let _ = write!(
        page,
        "<title>malpi study report</title><style>{STYLE}</style></head><body><main>"
    );
    page.push_str("<h1>Malicious PyPI packages: the study, regenerated</h1>");
    page.push_str("<p class=\"note\">Figures measured by malpi's static analysis (nothing scanned was run), next to those of “An Empirical Study of Malicious Code In PyPI Ecosystem” (ASE 2023) where the study gives one.</p>");
    page.push_str("<nav><a href=\"#dataset\">Dataset</a><a href=\"#code\">Code</a><a href=\"#behaviours\">Behaviours</a><a href=\"#triggers\">Triggers</a><a href=\"#techniques\">Techniques</a><a href=\"#platforms\">Platforms</a><a href=\"#mirrors\">Mirrors</a><a href=\"#lifecycle\">Lifecycle</a></nav>");
    let detected = d
        .verdicts
        .iter()
        .filter(|v| v.label == "malicious" || v.label == "suspicious")
        .map(|v| v.count)
        .sum::<usize>();
    page.push_str("<div class=\"cards\">");
    for (value, what) in [
        (thousands(d.projects), "projects, reported or scanned"),
        (thousands(d.packages), "package versions"),
        (thousands(d.scanned), "scanned"),
        (
            percent(ratio(detected, d.scanned)),
            "scanned found malicious or suspicious",
        ),
    ] {
        let _ = write!(
            page,
            "<div class=\"card\"><b>{value}</b><span>{what}</span></div>"
        );
    }
    page.push_str("</div>");

    section(&mut page, "dataset", "Dataset by source");
    note(
        &mut page,
        "Projects each source reported, of the projects any source reported; a project reported by several sources counts under each.",
    );
    bars_or_empty(&mut page, &d.by_source, "no report sources in the data");
    page.push_str("<h3>Projects by number of reporting sources</h3>");
    bars_or_empty(
        &mut page,
        &d.by_source_count,
        "no report sources in the data",
    );
    if d.overlaps.iter().any(|o| o.count > 0) {
        page.push_str("<h3>Overlap between sources (pairs sharing no project left out)</h3>");
        table(&mut page, &tables::overlaps(&d.overlaps));
    }
    let _ = write!(
        page,
        "<p class=\"note\">{} projects were scanned but named by no report.</p>",
        thousands(d.unreported)
    );
    page.push_str("<h3>malpi's verdicts on the scanned package versions</h3>");
    bars_or_empty(&mut page, &d.verdicts, "nothing scanned");

    section(&mut page, "code", "Code attributes");
    note(
        &mut page,
        "Per scanned package version: Python files, lines of code (not blank, not only a comment), and malicious-code density — lines holding medium-or-stronger evidence per line of code, over the packages where malpi located evidence.",
    );
    distribution(
        &mut page,
        "Python files",
        &stats.code.files,
        "files per package",
        0,
    );
    distribution(
        &mut page,
        "Lines of code",
        &stats.code.lines,
        "lines of Python code per package",
        0,
    );
    distribution(
        &mut page,
        "Malicious-code density",
        &stats.code.density,
        "evidence lines / lines of code",
        3,
    );

    section(&mut page, "behaviours", "Behaviour categories");
    note(
        &mut page,
        "Share of the scanned package versions showing each of the study's five categories; a package can show several.",
    );
    bars_or_empty(&mut page, &stats.categories, "nothing scanned");
    if let Some(text) = tables::multi_behaviour(&stats.multi_behaviour) {
        let _ = write!(page, "<p><b>{}</b></p>", esc(&text));
    }

    section(&mut page, "triggers", "When the code runs");
    note(
        &mut page,
        "Each package once, by its earliest trigger (install, then import, then runtime), over the packages with a trigger — the study's counting, so the shares sum to 100%.",
    );
    bars_or_empty(
        &mut page,
        &stats.earliest_triggers,
        "no triggers in the data",
    );
    page.push_str("<h3>Packages with each trigger at all</h3>");
    bars_or_empty(&mut page, &stats.any_triggers, "no triggers in the data");

    section(&mut page, "techniques", "Anti-detection techniques");
    note(
        &mut page,
        "Share of the scanned package versions using each technique.",
    );
    bars_or_empty(&mut page, &stats.techniques, "nothing scanned");

    section(&mut page, "platforms", "Platform targeting");
    note(
        &mut page,
        "Packages whose code compares the platform (sys.platform, os.name, platform.system(), …) with an operating system's name; os.name == \"posix\" names both Linux and macOS.",
    );
    bars_or_empty(&mut page, &stats.platforms, "nothing scanned");

    section(&mut page, "mirrors", "Persistence on mirrors");
    mirrors(&mut page, &stats.mirrors);

    section(&mut page, "lifecycle", "Lifecycle");
    note(
        &mut page,
        "Incubation: days from release to the first report. Residual: days from the first report to the last time a mirror served the package (or its removal from PyPI).",
    );
    distribution(
        &mut page,
        "Incubation period",
        &stats.lifecycle.incubation,
        "days from release to discovery",
        1,
    );
    distribution(
        &mut page,
        "Residual period",
        &stats.lifecycle.residual,
        "days from discovery to last seen",
        1,
    );
    if stats.lifecycle.reported_before_release > 0 {
        let _ = write!(
            page,
            "<p class=\"note\">{} package versions have no release time before their first report (no upload time known, and first seen on a mirror after the report) and are left out of the incubation period.</p>",
            thousands(stats.lifecycle.reported_before_release)
        );
    }
    if stats.lifecycle.gone_before_first_check > 0 {
        let _ = write!(
            page,
            "<p class=\"note\">{} reported package versions were already gone from PyPI at the first check and never seen on a mirror: their residual period is unknown and left out.</p>",
            thousands(stats.lifecycle.gone_before_first_check)
        );
    }
    page.push_str("</main></body></html>\n");
    page
}

fn section(page: &mut String, id: &str, title: &str) {
    let _ = write!(page, "<h2 id=\"{id}\">{title}</h2>");
}

fn note(page: &mut String, text: &str) {
    let _ = write!(page, "<p class=\"note\">{}</p>", esc(text));
}

fn empty(page: &mut String, why: &str) {
    let _ = write!(page, "<p class=\"empty\">{}</p>", esc(why));
}

fn ratio(n: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 / total as f64
    }
}

/// A bar chart of shares, or a line saying why there is none.
fn bars_or_empty(page: &mut String, shares: &[Share], why: &str) {
    if shares.iter().all(|s| s.total == 0) {
        return empty(page, why);
    }
    let rows: Vec<BarRow> = shares
        .iter()
        .map(|s| BarRow {
            label: s.label.clone(),
            fraction: s.fraction(),
            text: format!("{}  ({})", percent(s.fraction()), thousands(s.count)),
            reference: s.reference,
        })
        .collect();
    page.push_str(&svg::bar_chart(&rows));
}

fn distribution(page: &mut String, title: &str, d: &Distribution, unit: &str, decimals: usize) {
    let _ = write!(page, "<h3>{}</h3>", esc(title));
    if d.summary.is_none() {
        return empty(page, "no data");
    }
    page.push_str(&svg::histogram(&d.histogram, unit));
    table(page, &tables::distributions(&[(title, d, decimals)]));
}

fn mirrors(page: &mut String, mirrors: &[MirrorPersistence]) {
    if mirrors.is_empty() {
        return empty(page, "no mirror observations in the data");
    }
    note(
        page,
        "Share of the probed reported packages each mirror still served at its latest probe (the study found 0.1% to 81.6% across 14 mirrors).",
    );
    let rows: Vec<BarRow> = mirrors
        .iter()
        .map(|m| BarRow {
            label: m.mirror.clone(),
            fraction: m.share(),
            // The probed count is in the table below: a longer text would leave the chart.
            text: format!("{} ({})", percent(m.share()), thousands(m.served)),
            reference: None,
        })
        .collect();
    page.push_str(&svg::bar_chart(&rows));
    table(page, &tables::mirrors(mirrors));
}

/// A table; every cell is escaped.
fn table(page: &mut String, t: &Table) {
    let class = |numeric: bool| if numeric { " class=\"n\"" } else { "" };
    page.push_str("<table><tr>");
    for (title, numeric) in &t.columns {
        let _ = write!(page, "<th{}>{}</th>", class(*numeric), esc(title));
    }
    page.push_str("</tr>");
    for row in &t.rows {
        page.push_str("<tr>");
        for (cell, (_, numeric)) in row.iter().zip(&t.columns) {
            let _ = write!(page, "<td{}>{}</td>", class(*numeric), esc(cell));
        }
        page.push_str("</tr>");
    }
    page.push_str("</table>");
}
