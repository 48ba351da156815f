//! malpi-report: render scan reports for people (text) and programs (JSON, JSON lines,
//! SARIF 2.1.0). Writers take any `io::Write`; none of them decides anything.

mod sarif;
mod text;

pub use sarif::write_sarif;
pub use text::{TextOptions, clean, write_text};

use std::io::{self, Write};

use malpi_scan::Report;

/// One JSON object per package, one per line.
pub fn write_jsonl_line(out: &mut impl Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer(&mut *out, report)?;
    out.write_all(b"\n")
}

/// All reports as one JSON document: `{"reports": [...], "summary": {...}}`.
pub fn write_json(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        tool: &'static str,
        version: &'static str,
        summary: Summary,
        reports: &'a [Report],
    }
    serde_json::to_writer_pretty(
        &mut *out,
        &Doc {
            tool: "malpi",
            version: env!("CARGO_PKG_VERSION"),
            summary: Summary::of(reports),
            reports,
        },
    )?;
    out.write_all(b"\n")
}

/// Counts of verdicts over many reports.
#[derive(Clone, Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct Summary {
    pub packages: usize,
    pub malicious: usize,
    pub suspicious: usize,
    pub clean: usize,
    pub error: usize,
}

impl Summary {
    pub fn of(reports: &[Report]) -> Self {
        let mut s = Summary::default();
        for r in reports {
            s.add(r);
        }
        s
    }
    pub fn add(&mut self, r: &Report) {
        use malpi_rules::VerdictKind::*;
        self.packages += 1;
        match r.verdict {
            Malicious => self.malicious += 1,
            Suspicious => self.suspicious += 1,
            Clean => self.clean += 1,
            Error => self.error += 1,
        }
    }
}
