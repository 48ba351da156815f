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
        // A download saved to disk where the file written, the place saved to or the
        // address fetched names a program (`%TEMP%/Oxzy.exe`, `…/pics.exe`) is a program
        // being dropped. When where it is saved is not written in the call (a helper's
        // parameter), a program the file names stands for it. A tool that saves an
        // archive and runs what it unpacks (an SDK's `sdkmanager.bat`) names a program
        // but does not save one.
        let saves_download = out[before..]
            .iter()
            .any(|f| f.behaviour == Behaviour::SaveDownload);
        let drops = out[before..]
            .iter()
            .any(|f| f.behaviour == Behaviour::DropExecutable);
        if saves_download && !drops {
            if let Some((span, trigger, name)) = dropped_program(file) {
                out.push(rule.at(
                    file,
                    span,
                    trigger,
                    Behaviour::DropExecutable,
                    format!(
                        "saves a download and names a program `{}`",
                        malpi_python::cut(&name, 100)
                    ),
                ));
            }
        }
    }
}

/// Where a file that saves a download names the program it saves.
fn dropped_program(
    file: &malpi_python::FileFacts,
) -> Option<(malpi_python::Span, malpi_python::Trigger, String)> {
    let mut unwritten_place = false;
    for call in &file.calls {
        match program_place(call) {
            Some(Place::Known(p)) if names_a_program(&p) => {
                return Some((call.span, call.trigger, p));
            }
            Some(Place::Unwritten) => unwritten_place = true,
            _ => {}
        }
    }
    if !unwritten_place {
        return None;
    }
    file.strings
        .iter()
        .find(|s| names_a_program(&s.value))
        .map(|s| (s.span, s.trigger, s.value.clone()))
}

/// Where a call saves or fetches.
enum Place {
    /// As far as the code writes it.
    Known(String),
    /// A file is saved, but where is not written in the call (a parameter, a value made
    /// elsewhere).
    Unwritten,
}

/// The place a call writes a file to or fetches from, as far as it is written: the path of
/// an `open` for writing, where a download is saved, the URL of a download.
fn program_place(call: &malpi_python::Call) -> Option<Place> {
    let place = || call.place().filter(|p| p != malpi_python::HOLE);
    let saved = || Some(place().map_or(Place::Unwritten, Place::Known));
    if call.opens_file() {
        call.open_mode().contains(['w', 'a', 'x']).then(saved)?
    } else if call.downloads_to_file() {
        saved()
    } else if is_download(&call.name) {
        place().map(Place::Known)
    } else {
        None
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
            if call.downloads_to_file() {
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
                let mode = call.open_mode();
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
