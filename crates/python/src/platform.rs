//! Platform targeting: comparisons of what the platform is (`sys.platform`, `os.name`,
//! `platform.system()`...) with the name of an operating system. Code that branches on the
//! platform picks the systems its payload is written for.

use ruff_python_ast::{self as ast, Expr};

use crate::analyzer::Analyzer;
use crate::facts::{Const, Platform, PlatformCheck};

/// Resolved names whose value says which platform the code runs on.
const PROBES: &[&str] = &[
    "sys.platform",
    "os.name",
    "platform.system",
    "platform.platform",
    "platform.uname",
    "platform.uname.system",
    "platform.uname.sysname",
    "os.uname",
    "os.uname.sysname",
];

/// Methods that keep the value a platform name (`platform.system().lower()`).
const CASE_METHODS: &[&str] = &[".lower", ".upper", ".casefold", ".strip", ".title"];

/// Most platform names kept per file: a generated file cannot grow the facts without bound.
const MAX_CHECKS: usize = 64;

impl Analyzer {
    /// `sys.platform == "win32"`, `"linux" in sys.platform`, `os.name in ("nt", "ce")`.
    pub(crate) fn note_platform_comparison(&mut self, cmp: &ast::ExprCompare) {
        let operands: Vec<&Expr> = std::iter::once(cmp.left.as_ref())
            .chain(cmp.comparators.iter())
            .collect();
        if !operands.iter().any(|e| self.is_platform_probe(e)) {
            return;
        }
        for operand in operands {
            if !self.is_platform_probe(operand) {
                self.note_platform_names(operand, cmp);
            }
        }
    }

    /// `sys.platform.startswith("win")`, `platform.system().lower().endswith("nux")`.
    pub(crate) fn note_platform_test(&mut self, call: &ast::ExprCall) {
        let Expr::Attribute(method) = call.func.as_ref() else {
            return;
        };
        if !matches!(method.attr.as_str(), "startswith" | "endswith")
            || !self.is_platform_probe(&method.value)
        {
            return;
        }
        if let Some(arg) = call.arguments.args.first() {
            self.note_platform_names(arg, call);
        }
    }

    fn is_platform_probe(&self, expr: &Expr) -> bool {
        if !matches!(expr, Expr::Attribute(_) | Expr::Call(_) | Expr::Name(_)) {
            return false;
        }
        let Some(mut name) = self.qualify(expr) else {
            return false;
        };
        while let Some(stripped) = CASE_METHODS.iter().find_map(|m| name.strip_suffix(m)) {
            name = stripped.to_string();
        }
        PROBES.contains(&name.as_str())
    }

    fn note_platform_names(&mut self, expr: &Expr, at: &impl ruff_text_size::Ranged) {
        let Some(value) = self.fold(expr) else {
            return;
        };
        let mut names = Vec::new();
        match value {
            Const::List(items) => names.extend(items.iter().filter_map(Const::text)),
            other => names.extend(other.text()),
        }
        for name in names {
            for &platform in platforms_named(&name) {
                if self.facts.platform_checks.len() >= MAX_CHECKS {
                    return;
                }
                let r = at.range();
                let span = self.facts.span(r.start().to_u32(), r.end().to_u32());
                self.facts
                    .platform_checks
                    .push(PlatformCheck { platform, span });
            }
        }
    }
}

/// The operating systems a platform name stands for: `win32`, `Windows`, `nt`, `cygwin` are
/// Windows; `linux`, `Linux-5.15-…` Linux; `darwin`, `mac`, `macOS` macOS; `os.name`'s
/// `posix` is both Unix systems.
pub fn platforms_named(name: &str) -> &'static [Platform] {
    let lower = name.trim().to_ascii_lowercase();
    if lower.starts_with("win") || lower == "nt" || lower == "cygwin" || lower == "msys" {
        &[Platform::Windows]
    } else if lower.starts_with("linux") || lower == "lin" || lower == "nux" {
        &[Platform::Linux]
    } else if lower.starts_with("darwin") || lower.starts_with("mac") || lower == "osx" {
        &[Platform::Macos]
    } else if lower == "posix" {
        &[Platform::Linux, Platform::Macos]
    } else {
        &[]
    }
}

#[cfg(test)]
mod tests {
    use crate::{FileRole, Platform, analyze};

    fn platforms(code: &str) -> Vec<Platform> {
        let mut found: Vec<Platform> = analyze("m.py", code.as_bytes(), FileRole::Module)
            .platform_checks
            .iter()
            .map(|c| c.platform)
            .collect();
        found.sort();
        found.dedup();
        found
    }

    #[test]
    fn comparisons_of_the_platform_name_the_targets() {
        use Platform::*;
        assert_eq!(
            platforms("import sys\nif sys.platform == 'win32': pass"),
            [Windows]
        );
        assert_eq!(platforms("import os\nif os.name == 'nt': pass"), [Windows]);
        assert_eq!(
            platforms("import platform as p\nif p.system().lower() == 'darwin': pass"),
            [Macos]
        );
        assert_eq!(
            platforms("from sys import platform\nif 'linux' in platform: pass"),
            [Linux]
        );
        assert_eq!(
            platforms("import sys\nok = sys.platform.startswith(('win', 'cygwin'))"),
            [Windows]
        );
        assert_eq!(
            platforms("import os\nif os.name in ('posix',): pass"),
            [Linux, Macos]
        );
        // A decoded payload's checks count, at the call that runs it.
        assert_eq!(
            platforms("exec(\"import sys\\nif sys.platform != 'linux': pass\")"),
            [Linux]
        );
    }

    #[test]
    fn reading_the_platform_or_comparing_other_names_is_no_target() {
        assert!(platforms("import platform\ninfo = platform.system()").is_empty());
        assert!(platforms("import sys\nif sys.version == 'win32': pass").is_empty());
        assert!(platforms("name = 'nt'\nif name == 'nt': pass").is_empty());
        assert!(platforms("import sys\nif sys.platform == 'sunos5': pass").is_empty());
    }
}
