//! CMD001 shell-command: the package runs a command or program.
//!
//! A capability on its own (build scripts run compilers, tools call git); it weighs when it
//! runs at install or import time, and feeds the verdict's combinations.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity, by_trigger};
use crate::names::is_command;

pub static RULE: Rule = Rule {
    id: RuleId::Cmd001,
    name: "shell-command",
    category: Category::CommandExecution,
    severity: Severity::Low,
    description: "Runs a shell command or program (os.system, subprocess.*, os.popen, pty.spawn, os.startfile).",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in file.calls.iter().filter(|c| is_command(&c.name)) {
            let line = command_line(call);
            let what = line
                .as_deref()
                .map(|t| format!(": `{}`", malpi_python::cut(t, 120)))
                .unwrap_or_default();
            let severity = if line.as_deref().is_some_and(is_release_step) {
                Severity::Low
            } else {
                by_trigger(
                    call.trigger,
                    Severity::Medium,
                    Severity::Low,
                    Severity::Info,
                )
            };
            out.push(
                rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::Shell,
                    format!(
                        "runs a command with {}{what} {}",
                        call.name,
                        call.trigger.when()
                    ),
                )
                .severity(severity),
            );
        }
    }
}

/// The command line a call runs, as far as it is written: its first argument or the
/// `args`/`cmd`/`command` keyword, not what else it is given (`input=`, `encoding=`).
fn command_line(call: &malpi_python::Call) -> Option<String> {
    call.args
        .first()
        .or_else(|| {
            ["args", "cmd", "command"]
                .iter()
                .find_map(|k| call.keyword(k))
        })
        .and_then(|a| a.text())
}

/// The maintainer's release steps that setup.py scripts carry behind a `publish` argument
/// (`python setup.py sdist`, `twine upload dist/*`, `git tag`): they build or upload the
/// project itself and run only when its author asks, so they weigh as little as a build step.
fn is_release_step(command: &str) -> bool {
    let command = command.trim_start();
    [
        "python setup.py ",
        "python3 setup.py ",
        "twine upload ",
        "git tag ",
        "git push --tags",
    ]
    .iter()
    .any(|p| command.starts_with(p))
}

#[cfg(test)]
mod tests {
    #[test]
    fn release_steps_are_told_from_other_commands() {
        assert!(super::is_release_step("python setup.py sdist bdist_wheel"));
        assert!(super::is_release_step("twine upload dist/*"));
        assert!(!super::is_release_step("python -c 'import os'"));
        assert!(!super::is_release_step("curl http://x | sh"));
    }
}
