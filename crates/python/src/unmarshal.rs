//! A marshalled code object, rendered as Python the analyzer can read: what `marshal.loads`
//! would hand to `exec`, seen without running it. Bytecode is not decompiled; the names and
//! constants the code object holds are enough for the rules: modules it imports, the
//! attributes it uses on them, the builtins it calls, and its strings.

use crate::marshal::MarshalSummary;

/// Modules whose attributes rules judge; a name among these in `co_names` is an import.
const MODULES: &[&str] = &[
    "os",
    "sys",
    "subprocess",
    "socket",
    "pty",
    "shutil",
    "platform",
    "getpass",
    "base64",
    "zlib",
    "marshal",
    "pickle",
    "ctypes",
    "requests",
    "urllib",
    "urllib.request",
    "urllib2",
    "http.client",
    "smtplib",
    "ftplib",
    "winreg",
    "_winreg",
    "tempfile",
    "webbrowser",
    "builtins",
    "importlib",
    "codecs",
    "threading",
    "sqlite3",
    "json",
    "uuid",
];
/// Builtins that matter when called bare.
const BUILTINS: &[&str] = &["exec", "eval", "compile", "__import__", "open", "getattr"];
/// At most this many synthesized lines per kind, whatever the code object holds.
const MAX_LINES: usize = 2_000;

/// Python source standing for what the code object does, as far as names tell.
pub fn as_source(summary: &MarshalSummary) -> String {
    let mut out = String::from("# rendered from a marshalled code object\n");
    let modules: Vec<&str> = summary
        .names
        .iter()
        .map(String::as_str)
        .filter(|n| MODULES.contains(n))
        .collect();
    for m in &modules {
        out.push_str(&format!("import {m}\n"));
    }
    let attributes: Vec<&str> = summary
        .names
        .iter()
        .map(String::as_str)
        .filter(|n| !MODULES.contains(n) && is_identifier(n))
        .take(64)
        .collect();
    let mut lines = 0;
    for m in &modules {
        for a in &attributes {
            if lines >= MAX_LINES {
                break;
            }
            out.push_str(&format!("{m}.{a}()\n"));
            lines += 1;
        }
    }
    for b in summary
        .names
        .iter()
        .filter(|n| BUILTINS.contains(&n.as_str()))
    {
        out.push_str(&format!("{b}(_)\n"));
    }
    for s in summary.strings.iter().take(MAX_LINES) {
        out.push_str(&format!("_ = {}\n", python_literal(s)));
    }
    out
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// A Python string literal holding `s` exactly.
fn python_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
