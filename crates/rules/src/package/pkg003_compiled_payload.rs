//! PKG003 compiled-payload: a source distribution that ships executables or compiled code
//! (Windows PE, ELF, Mach-O, .pyc): code nobody reviews in the source.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Pkg003,
    name: "compiled-payload",
    category: Category::Package,
    severity: Severity::Low,
    description: "Ships a Windows executable, ELF or Mach-O binary, or Python bytecode inside the package.",
    check,
};

pub fn binary_kind(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"MZ") {
        Some("a Windows executable")
    } else if head.starts_with(b"\x7fELF") {
        Some("an ELF binary")
    } else if head.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
        || head.starts_with(&[0xca, 0xfe, 0xba, 0xbe])
    {
        Some("a Mach-O binary")
    } else {
        None
    }
}

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for m in &pkg.members {
        let lower = m.path.to_ascii_lowercase();
        if let Some(kind) = binary_kind(&m.head) {
            // Extension modules in wheels are normal; a .exe is not.
            let sev = if lower.ends_with(".exe")
                || lower.ends_with(".scr")
                || !(lower.ends_with(".so")
                    || lower.ends_with(".pyd")
                    || lower.ends_with(".dll")
                    || lower.contains(".so."))
            {
                Severity::Medium
            } else {
                Severity::Info
            };
            out.push(
                rule.about(
                    &m.path,
                    Behaviour::Binary,
                    format!("ships {kind} ({} bytes)", m.size),
                )
                .severity(sev),
            );
        } else if lower.ends_with(".pyc") {
            out.push(
                rule.about(&m.path, Behaviour::Bytecode, "ships Python bytecode".into())
                    .severity(Severity::Info),
            );
        }
    }
}
