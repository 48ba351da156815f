//! The human-readable report: verdict first, then the evidence, coloured on a terminal.

use std::io::{self, Write};

use malpi_rules::{Severity, VerdictKind};
use malpi_scan::Report;

#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    pub color: bool,
    /// Show info-level findings (capabilities) too.
    pub all: bool,
}

struct Paint(bool);

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn verdict_color(v: VerdictKind) -> &'static str {
    match v {
        VerdictKind::Malicious => "1;31",
        VerdictKind::Suspicious => "1;33",
        VerdictKind::Clean => "1;32",
        VerdictKind::Error => "1;35",
    }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    }
}

/// Remove control characters: names, snippets and messages come from hostile files and must
/// not drive the terminal.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '�'
            } else {
                c
            }
        })
        .collect()
}

pub fn write_text(out: &mut impl Write, r: &Report, opts: TextOptions) -> io::Result<()> {
    let p = Paint(opts.color);
    let name = if r.package.name.is_empty() {
        "?".to_string()
    } else {
        clean(&r.package.name)
    };
    writeln!(
        out,
        "{}  {} {}  ({:?}, score {:.2})  {}",
        p.paint(verdict_color(r.verdict), &r.verdict.as_str().to_uppercase()),
        p.paint("1", &name),
        clean(&r.package.version),
        r.package.kind,
        r.score,
        clean(&r.package.file)
    )?;
    for reason in &r.reasons {
        writeln!(out, "  why: {}", clean(reason))?;
    }
    if !r.categories.is_empty() || !r.triggers.is_empty() {
        let cats: Vec<&str> = r.categories.iter().map(|c| c.as_str()).collect();
        let trig: Vec<&str> = r.triggers.iter().map(|t| t.as_str()).collect();
        writeln!(
            out,
            "  categories: {}   triggers: {}",
            cats.join(", "),
            trig.join(", ")
        )?;
    }
    if !r.techniques.is_empty() {
        writeln!(out, "  techniques: {}", r.techniques.join(", "))?;
    }
    let shown: Vec<_> = r
        .findings
        .iter()
        .filter(|f| opts.all || f.severity > Severity::Info)
        .collect();
    for f in &shown {
        let place = if f.line > 0 {
            format!("{}:{}:{}", clean(&f.path), f.line, f.column)
        } else if f.path.is_empty() {
            "(package)".into()
        } else {
            clean(&f.path)
        };
        let trig = f
            .trigger
            .map(|t| format!(" [{}]", t.as_str()))
            .unwrap_or_default();
        writeln!(
            out,
            "  {} {} {}  {}{}",
            p.paint(
                severity_color(f.severity),
                &format!("{:<8}", f.severity.as_str().to_uppercase())
            ),
            p.paint("1", f.rule.as_str()),
            f.behaviour,
            place,
            trig
        )?;
        writeln!(out, "           {}", clean(&f.message))?;
        if let Some(via) = &f.decoded_from {
            writeln!(out, "           decoded: {}", clean(via))?;
        }
        // Why the trigger is what it is: the entry, then each step to this code.
        for (i, step) in f.reached_by.iter().enumerate() {
            let lead = if i == 0 { "reached:" } else { "      →" };
            let place = if step.line > 0 {
                format!("{}:{}", clean(&step.path), step.line)
            } else {
                clean(&step.path)
            };
            writeln!(out, "           {lead} {place}  {}", clean(&step.what))?;
        }
        // What the data goes through, from where it is read to the sink.
        for (i, step) in f.flow.iter().enumerate() {
            let lead = if i == 0 { "flow:" } else { "   →" };
            writeln!(
                out,
                "           {lead} {}:{}  {}",
                clean(&step.path),
                step.line,
                clean(&step.what)
            )?;
        }
        if !f.snippet.is_empty() {
            writeln!(
                out,
                "           {}",
                p.paint("2", &format!("> {}", clean(&f.snippet)))
            )?;
        }
    }
    let hidden = r.findings.len() - shown.len();
    if hidden > 0 {
        writeln!(
            out,
            "  ({hidden} info-level findings not shown; --all shows them)"
        )?;
    }
    if !r.iocs.is_empty() {
        writeln!(out, "  indicators:")?;
        for ioc in &r.iocs {
            writeln!(out, "    {:<8} {}", ioc.kind, clean(&ioc.value))?;
        }
    }
    for e in &r.errors {
        writeln!(out, "  {} {}", p.paint("35", "error:"), clean(e))?;
    }
    Ok(())
}
