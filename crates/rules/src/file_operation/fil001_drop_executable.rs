//! FIL001 drop-executable: writes a program or script to disk, or saves downloaded content
//! as a file: the dropper's first half.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::is_download;

pub static RULE: Rule = Rule {
    id: RuleId::Fil001,
    name: "drop-executable",
    category: Category::FileOperation,
    severity: Severity::Medium,
    description: "Writes an executable or script (.exe, .dll, .scr, .bat, .ps1, .vbs) to disk, or saves a download to a file.",
    check,
};

const EXECUTABLE_SUFFIXES: &[&str] = &[
    ".exe", ".dll", ".scr", ".bat", ".cmd", ".ps1", ".vbs", ".hta", ".msi", ".jar", ".lnk",
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        let before = out.len();
        check_calls(rule, file, out);
        // A download saved to disk in a file that names a program (`Oxzy.exe`, `a.bat`) is
        // a program being dropped, whatever variable carries its name.
        let saves_download = out[before..]
            .iter()
            .any(|f| f.behaviour == Behaviour::SaveDownload);
        let drops = out[before..]
            .iter()
            .any(|f| f.behaviour == Behaviour::DropExecutable);
        if saves_download && !drops {
            if let Some(s) = file.strings.iter().find(|s| names_a_program(&s.value)) {
                out.push(rule.at(
                    file,
                    s.span,
                    s.trigger,
                    Behaviour::DropExecutable,
                    format!(
                        "saves a download and names a program `{}`",
                        malpi_python::cut(&s.value, 100)
                    ),
                ));
            }
        }
    }
}

/// A file name or URL of a program: ends with an executable suffix, or has one before a query.
fn names_a_program(s: &str) -> bool {
    if s.len() > 300 || s.contains(char::is_whitespace) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or("");
    // Programs run directly (not libraries), named by a plain name (not a glob).
    !path.contains('*')
        && [
            ".exe", ".scr", ".bat", ".cmd", ".ps1", ".vbs", ".hta", ".msi",
        ]
        .iter()
        .any(|x| path.ends_with(x))
}

fn check_calls(rule: &Rule, file: &malpi_python::FileFacts, out: &mut Vec<Finding>) {
    {
        for call in &file.calls {
            if matches!(
                call.name.as_str(),
                "urllib.request.urlretrieve" | "urllib.urlretrieve" | "wget.download"
            ) {
                out.push(
                    rule.at(
                        file,
                        call.span,
                        call.trigger,
                        Behaviour::SaveDownload,
                        format!("saves a download to disk with {}", call.name),
                    )
                    .severity(Severity::High),
                );
                continue;
            }
            let is_write = call.name.ends_with(".write") || call.name == "builtins.open";
            if !is_write {
                continue;
            }
            if call.name.ends_with(".write")
                && call.args.first().is_some_and(|a| {
                    a.from_call(is_download)
                        || a.names.iter().any(|n| {
                            n.starts_with("requests.get.")
                                || n.starts_with("urllib.request.urlopen.")
                        })
                })
            {
                out.push(
                    rule.at(
                        file,
                        call.span,
                        call.trigger,
                        Behaviour::SaveDownload,
                        "writes downloaded content to a file".into(),
                    )
                    .severity(Severity::High),
                );
                continue;
            }
            if call.name == "builtins.open" {
                let mode = call
                    .args
                    .get(1)
                    .and_then(|a| a.text())
                    .or_else(|| call.keyword("mode").and_then(|a| a.text()))
                    .unwrap_or_default();
                // The path as far as it is written (`{…}/svc.exe` from a temp folder).
                let target = call
                    .args
                    .first()
                    .and_then(|a| a.path_text())
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if mode.contains(['w', 'a'])
                    && EXECUTABLE_SUFFIXES.iter().any(|s| target.ends_with(s))
                {
                    out.push(rule.at(
                        file,
                        call.span,
                        call.trigger,
                        Behaviour::DropExecutable,
                        format!(
                            "writes an executable file `{}`",
                            malpi_python::cut(&target, 100)
                        ),
                    ));
                }
            }
        }
    }
}
