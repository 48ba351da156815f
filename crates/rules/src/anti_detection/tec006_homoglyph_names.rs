//! TEC006 homoglyph-names: names written with letters that only look Latin. Python reads
//! identifiers in NFKC form, so `𝗿𝗲𝙦𝘂𝙚𝘀𝘁𝘀` (mathematical letters) or `ｒｅｑｕｅｓｔｓ`
//! (full-width) is `requests` to the interpreter but not to a reviewer's search; a Cyrillic
//! `о` inside a Latin name makes a second name that looks like the first.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Tec006,
    name: "homoglyph-names",
    category: Category::AntiDetection,
    severity: Severity::Medium,
    description: "Identifiers written in mathematical or full-width letters, or mixing Latin with look-alike Cyrillic/Greek letters.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        if !may_hold_homoglyphs(file.source.as_bytes()) {
            continue;
        }
        if let Some((at, name, why)) = first_homoglyph_name(&file.source) {
            let span = file.span(at as u32, at as u32);
            out.push(rule.at(
                file,
                span,
                malpi_python::Trigger::Import,
                Behaviour::HomoglyphNames,
                format!("names `{name}` with {why}"),
            ));
        }
    }
}

/// Cheap test before the character walk: UTF-8 lead bytes of Cyrillic and Greek letters,
/// of mathematical letters (U+1D400..) and of full-width forms (U+FF00..). Text in other
/// scripts (accents, CJK, emoji) skips the walk.
fn may_hold_homoglyphs(source: &[u8]) -> bool {
    memchr::memchr3(0xD0, 0xD1, 0xD4, source).is_some()
        || memchr::memchr2(0xCE, 0xCF, source).is_some()
        || memchr::memmem::find(source, &[0xF0, 0x9D]).is_some()
        || memchr::memmem::find(source, &[0xEF, 0xBC]).is_some()
        || memchr::memmem::find(source, &[0xEF, 0xBD]).is_some()
        || memchr::memchr(0xC9, source).is_some()
}

/// The first identifier (outside strings and comments) that is a homoglyph trick.
fn first_homoglyph_name(source: &str) -> Option<(usize, &str, &'static str)> {
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            '"' | '\'' => skip_string(&mut chars, c),
            c if c == '_' || c.is_alphanumeric() => {
                let mut end = i + c.len_utf8();
                while let Some((j, d)) = chars.next_if(|&(_, d)| d == '_' || d.is_alphanumeric()) {
                    end = j + d.len_utf8();
                }
                let name = &source[i..end];
                if let Some(why) = homoglyph(name) {
                    return Some((i, name, why));
                }
            }
            _ => {}
        }
    }
    None
}

fn skip_string(chars: &mut std::iter::Peekable<std::str::CharIndices>, quote: char) {
    let mut escaped = false;
    for (_, c) in chars.by_ref() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote || c == '\n' {
            return;
        }
    }
}

fn homoglyph(name: &str) -> Option<&'static str> {
    if name.is_ascii() {
        return None;
    }
    let compat = name.chars().any(|c| {
        matches!(c as u32, 0x1D400..=0x1D7FF | 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A)
    });
    if compat {
        return Some("mathematical or full-width letters that Python reads as ASCII");
    }
    let latin = name.chars().any(|c| c.is_ascii_alphabetic());
    let lookalike = name.chars().any(|c| {
        matches!(
            c,
            'а' | 'е'
                | 'о'
                | 'р'
                | 'с'
                | 'у'
                | 'х'
                | 'і'
                | 'ј'
                | 'ѕ'
                | 'ԁ'
                | 'ɡ'
                | 'А'
                | 'В'
                | 'Е'
                | 'К'
                | 'М'
                | 'Н'
                | 'О'
                | 'Р'
                | 'С'
                | 'Т'
                | 'Х'
                | 'ο'
                | 'α'
                | 'ν'
                | 'ρ'
                | 'Ο'
                | 'Α'
                | 'Β'
                | 'Ε'
                | 'Ι'
                | 'Κ'
                | 'Ν'
                | 'Ρ'
                | 'Τ'
                | 'Χ'
        )
    });
    (latin && lookalike).then_some("Latin letters mixed with look-alike Cyrillic/Greek ones")
}

#[cfg(test)]
mod tests {
    #[test]
    fn tricks_not_languages() {
        assert!(super::first_homoglyph_name("𝗿𝗲𝙦𝘂𝙚𝘀𝘁𝘀.get(u)").is_some());
        assert!(super::first_homoglyph_name("pаypal = 1").is_some()); // Cyrillic а
        assert!(super::first_homoglyph_name("имя = 'x'").is_none()); // all Cyrillic
        assert!(super::first_homoglyph_name("x = 'pаypal'  # pаypal").is_none());
    }
}
