//! CMD001 shell-command: the package runs a command or program.
//!
//! A capability on its own (build scripts run compilers, tools call git); it weighs when it
//! runs at install or import time, and feeds the verdict's combinations.

use crate::model::{Category, Finding, PackageFacts, Rule, Severity, by_trigger};
use crate::names::is_command;

pub static RULE: Rule = Rule {
    id: "CMD001",
    name: "shell-command",
    category: Category::CommandExecution,
    severity: Severity::Low,
    description: "Runs a shell command or program (os.system, subprocess.*, os.popen, pty.spawn, os.startfile).",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in file.calls.iter().filter(|c| is_command(&c.name)) {
            let what = call
                .texts()
                .next()
                .map(|t| format!(": `{}`", malpi_python::cut(&t, 120)))
                .unwrap_or_default();
            let severity = by_trigger(
                call.trigger,
                Severity::Medium,
                Severity::Low,
                Severity::Info,
            );
            out.push(
                rule.at(
                    file,
                    call.span,
                    call.trigger,
                    "shell",
                    format!(
                        "runs a command with {}{what} at {} time",
                        call.name,
                        call.trigger.as_str()
                    ),
                )
                .severity(severity),
            );
        }
    }
}
