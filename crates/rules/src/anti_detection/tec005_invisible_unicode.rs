//! TEC005 invisible-unicode: bidirectional controls (Trojan Source, CVE-2021-42574) make an
//! editor show code in another order than Python runs it; zero-width characters hide text
//! inside names and strings. Neither has a place in a library's source.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Tec005,
    name: "invisible-unicode",
    category: Category::AntiDetection,
    severity: Severity::High,
    description: "Bidirectional control characters (Trojan Source) or zero-width characters in the source.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        // A BOM at the very start is an encoding mark, not hidden text.
        let body = file.source.strip_prefix('\u{feff}').unwrap_or(&file.source);
        let offset = file.source.len() - body.len();
        let Some((at, c)) = first_invisible(body) else {
            continue;
        };
        let (what, severity) = invisible(c).unwrap_or(("", Severity::Info));
        let span = file.span((offset + at) as u32, (offset + at) as u32);
        out.push(
            rule.at(
                file,
                span,
                malpi_python::Trigger::Import,
                Behaviour::InvisibleUnicode,
                format!(
                    "holds {what} U+{:04X}: the code shown is not the code run",
                    c as u32
                ),
            )
            .severity(severity),
        );
    }
}

/// The first invisible character, found by its UTF-8 lead bytes (0xE2, 0xEF, 0xE1) rather
/// than by decoding every character of every file.
fn first_invisible(text: &str) -> Option<(usize, char)> {
    memchr::memchr3_iter(0xE2, 0xEF, 0xE1, text.as_bytes())
        .filter_map(|i| Some((i, text.get(i..)?.chars().next()?)))
        .find(|(_, c)| invisible(*c).is_some())
}

fn invisible(c: char) -> Option<(&'static str, Severity)> {
    match c {
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            Some(("a bidirectional control", Severity::High))
        }
        // Not U+200C/U+200D: joiners are part of emoji sequences and of several scripts.
        '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' => {
            Some(("a zero-width character", Severity::Medium))
        }
        _ => None,
    }
}
