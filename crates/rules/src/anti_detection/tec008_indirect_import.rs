//! TEC008 indirect-import: the installer starts another Python on a one-liner that imports a
//! module (`python -c "from other import x"`) or runs a module (`python -m pkg.mod`), so the
//! payload lives in code that the setup script itself never names as an import.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity, by_trigger};
use crate::names::is_command;

pub static RULE: Rule = Rule {
    id: RuleId::Tec008,
    name: "indirect-import",
    category: Category::AntiDetection,
    severity: Severity::Medium,
    description: "A command that starts Python on an import one-liner (python -c \"import x\") or a module (python -m x).",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    squatting_dependencies(rule, pkg, out);
    for file in &pkg.files {
        dependencies_from_urls(rule, file, out);
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
                    Behaviour::IndirectImport,
                    format!("starts Python to import `{target}`"),
                )
                .severity(sev),
            );
        }
    }
}

/// A dependency whose name imitates a popular project's: the package itself may be clean
/// while the dependency it pulls in carries the payload.
fn squatting_dependencies(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    let popular = malpi_names::Popular::builtin();
    let from_setup = pkg.files.iter().flat_map(|f| {
        f.calls
            .iter()
            .flat_map(|c| setup_list(c, &["install_requires"]))
    });
    let names = pkg
        .dependencies
        .iter()
        .cloned()
        .chain(from_setup)
        .map(|d| malpi_names::requirement_name(&d).to_string());
    for dep in names.take(500) {
        if let Some(squat) = popular.check(&dep).filter(|s| s.kind.is_unmistakable()) {
            out.push(rule.about(
                "",
                Behaviour::IndirectImport,
                format!(
                    "depends on `{dep}`, which imitates `{}` ({})",
                    squat.imitates, squat.kind
                ),
            ));
            return;
        }
    }
}

/// `setup(install_requires=["x @ https://…"], dependency_links=[…])`: a dependency fetched
/// from a URL, outside the index and its review, carries code the package does not show.
fn dependencies_from_urls(rule: &Rule, file: &malpi_python::FileFacts, out: &mut Vec<Finding>) {
    for call in &file.calls {
        let listed = setup_list(
            call,
            &["install_requires", "setup_requires", "dependency_links"],
        );
        if let Some(dep) = listed
            .iter()
            .find(|d| d.contains("://") || d.starts_with("git+"))
        {
            out.push(
                rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::IndirectImport,
                    format!(
                        "installs a dependency from a URL: `{}`",
                        malpi_python::cut(dep, 120)
                    ),
                )
                .severity(Severity::Medium),
            );
            return;
        }
    }
}

/// The constant strings a `setup(...)` call lists under `keys` (none for other calls).
fn setup_list(call: &malpi_python::Call, keys: &[&str]) -> Vec<String> {
    if !call.name.ends_with("setup") {
        return Vec::new();
    }
    keys.iter()
        .filter_map(|k| call.keyword(k)?.value.as_ref())
        .flat_map(|v| match v {
            malpi_python::Const::List(items) => items.iter().filter_map(|i| i.text()).collect(),
            other => other.text().into_iter().collect::<Vec<_>>(),
        })
        .collect()
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
