//! TEC003 obfuscator-signature: the fingerprints of known Python obfuscators (PyArmor,
//! pyobfuscate-style lambda loaders, Hyperion, BlankOBF) and of very long encoded blobs.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Tec003,
    name: "obfuscator-signature",
    category: Category::AntiDetection,
    severity: Severity::Medium,
    description: "Known obfuscator signatures (PyArmor, lambda-decompress loaders, BlankOBF, Hyperion) or long encoded blobs in code.",
    check,
};

pub static SIGNATURES: crate::text::Fragments = &[
    ("__pyarmor__", "PyArmor"),
    ("pyarmor_runtime", "PyArmor"),
    ("__pyarmor_enter", "PyArmor"),
    ("obfuscated by", "an obfuscator"),
    ("blankobf", "BlankOBF"),
    ("hyperion", "Hyperion"),
    ("pyobfuscate", "pyobfuscate"),
    ("kramer", "Kramer"),
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for (s, _, why) in crate::text::matches(pkg, fi, SIGNATURES) {
            if s.value.len() < 200 {
                out.push(rule.at(
                    file,
                    s.span,
                    s.trigger,
                    Behaviour::Obfuscator,
                    format!("carries the signature of {why}"),
                ));
            }
        }
        // `_ = lambda __: __import__('zlib').decompress(__[::-1])`: decompress-reversed loaders.
        if let Some(c) = file.calls.iter().find(|c| {
            c.name.starts_with("zlib.decompress") && file.snippet(c.span).contains("[::-1]")
        }) {
            out.push(
                rule.at(
                    file,
                    c.span,
                    c.trigger,
                    Behaviour::Obfuscator,
                    "decompresses a reversed blob (pyobfuscate-style loader)".into(),
                )
                .severity(Severity::High),
            );
        }
        if let Some(blob) = file
            .strings
            .iter()
            .find(|s| s.value.len() > 2_000 && looks_encoded(&s.value))
        {
            out.push(
                rule.at(
                    file,
                    blob.span,
                    blob.trigger,
                    Behaviour::EncodedBlob,
                    format!("holds a {}-character encoded blob", blob.value.len()),
                )
                .severity(Severity::Low),
            );
        }
    }
}

/// Base64 or hex text without spaces.
fn looks_encoded(s: &str) -> bool {
    let sample = &s.as_bytes()[..s.len().min(4096)];
    sample.iter().all(|b| {
        b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_' | b'\n' | b'\r')
    })
}
