//! TEC002 hidden-code: code pushed far to the right behind whitespace, so that an editor or
//! a diff shows an empty line.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Tec002,
    name: "hidden-code",
    category: Category::AntiDetection,
    severity: Severity::High,
    description: "Code placed after a long run of whitespace on a line, out of sight in editors.",
    check,
};

/// Spaces or tabs in a row, inside a line, before more code.
const RUN: usize = 150;

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        let mut offset = 0u32;
        for line in file.source.split_inclusive('\n') {
            let bytes = line.as_bytes();
            if bytes.len() > RUN {
                if let Some(pos) = hidden_run(bytes) {
                    let span = file.span(offset + pos as u32, offset + pos as u32);
                    out.push(rule.at(
                        file,
                        span,
                        malpi_python::Trigger::Import,
                        Behaviour::HiddenWhitespace,
                        format!("code hidden after {RUN}+ blanks at column {}", span.column),
                    ));
                }
            }
            offset += bytes.len() as u32;
        }
    }
}

/// Where code starts after a long blank run that itself follows code on the line, or starts
/// the line (leading indentation of hundreds of columns).
fn hidden_run(line: &[u8]) -> Option<usize> {
    let mut run = 0usize;
    for (i, &b) in line.iter().enumerate() {
        if b == b' ' || b == b'\t' {
            run += 1;
        } else {
            if run >= RUN && !matches!(b, b'\n' | b'\r' | b'#') {
                return Some(i);
            }
            run = 0;
        }
    }
    None
}
