//! TEC008 indirect-import: the installer starts another Python on a one-liner that imports a
//! module (`python -c "from other import x"`) or runs a module (`python -m pkg.mod`), so the
//! payload lives in code that the setup script itself never names as an import.

use crate::model::{Category, Finding, PackageFacts, Rule, Severity, by_trigger};
use crate::names::is_command;

pub static RULE: Rule = Rule {
    id: "TEC008",
    name: "indirect-import",
    category: Category::AntiDetection,
    severity: Severity::Medium,
    description: "A command that starts Python on an import one-liner (python -c \"import x\") or a module (python -m x).",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in file.calls.iter().filter(|c| is_command(&c.name)) {
            let words: Vec<String> = call.texts().collect();
            let line = words.join(" ");
            let Some(target) = python_import_target(&line) else {
                continue;
            };
            let sev = by_trigger(
                call.trigger,
                Severity::Medium,
                Severity::Medium,
                Severity::Info,
            );
            out.push(
                rule.at(
                    file,
                    call.span,
                    call.trigger,
                    "indirect-import",
                    format!("starts Python to import `{target}`"),
                )
                .severity(sev),
            );
        }
    }
}

/// The module a `python -c "import m"` / `python -m m` command line brings in.
fn python_import_target(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    if !lower.contains("python") {
        return None;
    }
    if let Some(rest) = line.split(" -m ").nth(1) {
        let module = rest.split_whitespace().next()?;
        // `python -m pip install ...` is how tools install; not a payload module.
        if module != "pip" && module != "venv" && module != "ensurepip" {
            return Some(module.to_string());
        }
        return None;
    }
    let code = line.split(" -c ").nth(1)?;
    let code = code.trim_matches(|c| c == '"' || c == '\'' || c == ' ');
    let import = code
        .split([';', '\n'])
        .map(str::trim)
        .find(|s| s.starts_with("import ") || s.starts_with("from "))?;
    Some(import.split_whitespace().nth(1)?.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_liners_and_modules() {
        let t = super::python_import_target;
        assert_eq!(
            t("python -c \"from helper import run; run()\"").as_deref(),
            Some("helper")
        );
        assert_eq!(t("python3 -m pkg.payload").as_deref(), Some("pkg.payload"));
        assert_eq!(t("python -m pip install x"), None);
        assert_eq!(t("git describe"), None);
    }
}
