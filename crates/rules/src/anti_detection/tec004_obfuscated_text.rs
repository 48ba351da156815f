//! TEC004 obfuscated-text: code written to be unreadable: letters spelled as `\x65`/`\145`
//! escapes, identifiers made only of underscores or of look-alike letters (`_____`,
//! `lIlIlI`, `O0O0O0`). Obfuscators emit both; people writing a library emit neither. Only
//! files that run strings as code are read: without an exec the trick hides nothing.

use crate::id::{Behaviour, RuleId};
use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::is_exec;

pub static RULE: Rule = Rule {
    id: RuleId::Tec004,
    name: "obfuscated-text",
    category: Category::AntiDetection,
    severity: Severity::Medium,
    description: "A file that runs strings as code and spells letters as hex/octal escapes or names things with underscores or look-alike letters only.",
    check,
};

/// Escapes of letters, digits and `_` (what no one escapes on purpose).
const MIN_ESCAPES: usize = 24;
/// Distinct unreadable identifiers.
const MIN_NAMES: usize = 3;

static ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u)\\(?:x[0-9a-fA-F]{2}|[0-7]{3})").expect("valid regex"));
static UNREADABLE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)\b(?:_{4,}|[lI][lI1]{5,}|O[O0]{5,})\b").expect("valid regex")
});

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        let Some(exec) = file.calls.iter().find(|c| is_exec(&c.name)) else {
            continue;
        };
        let source = file.source.as_bytes();
        let mut escapes = 0usize;
        let mut first_escape = None;
        for m in ESCAPE.find_iter(source) {
            if spells_a_letter(m.as_bytes()) {
                escapes += 1;
                first_escape.get_or_insert(m.start());
            }
        }
        let mut names: Vec<&[u8]> = Vec::new();
        let mut first_name = None;
        for m in UNREADABLE_NAME.find_iter(source) {
            if !names.contains(&m.as_bytes()) {
                names.push(m.as_bytes());
                first_name.get_or_insert(m.start());
                if names.len() >= 16 {
                    break;
                }
            }
        }
        let mut what = Vec::new();
        if escapes >= MIN_ESCAPES {
            what.push(format!("{escapes} letters spelled as escapes"));
        }
        if names.len() >= MIN_NAMES {
            what.push(format!(
                "{}+ names like `{}`",
                names.len(),
                String::from_utf8_lossy(names[0])
            ));
        }
        if what.is_empty() {
            continue;
        }
        let at = if escapes >= MIN_ESCAPES {
            first_escape
        } else {
            first_name
        }
        .unwrap_or(0);
        let span = file.span(at as u32, at as u32);
        out.push(rule.at(
            file,
            span,
            exec.trigger,
            Behaviour::ObfuscatedText,
            format!(
                "written to be unreadable ({}) and runs strings as code",
                what.join(", ")
            ),
        ));
    }
}

/// `\x65` or `\145` standing for a letter, a digit or `_`.
fn spells_a_letter(escape: &[u8]) -> bool {
    let text = std::str::from_utf8(&escape[1..]).unwrap_or("");
    let value = match text.strip_prefix('x') {
        Some(hex) => u8::from_str_radix(hex, 16),
        None => u8::from_str_radix(text, 8),
    };
    value.is_ok_and(|v| v.is_ascii_alphanumeric() || v == b'_')
}

#[cfg(test)]
mod tests {
    #[test]
    fn letters_not_control_bytes() {
        assert!(super::spells_a_letter(br"\x65"));
        assert!(super::spells_a_letter(br"\145"));
        assert!(!super::spells_a_letter(br"\x1b"));
        assert!(!super::spells_a_letter(br"\000"));
    }
}
