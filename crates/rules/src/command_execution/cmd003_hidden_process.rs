//! CMD003 hidden-process: a command started so that the user does not see it (no window,
//! detached), the way droppers start their payload.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::is_command;

pub static RULE: Rule = Rule {
    id: RuleId::Cmd003,
    name: "hidden-process",
    category: Category::CommandExecution,
    severity: Severity::Medium,
    description: "Starts a process with its window hidden or detached (CREATE_NO_WINDOW, DETACHED_PROCESS, SW_HIDE).",
    check,
};

const HIDERS: &[&str] = &[
    "CREATE_NO_WINDOW",
    "DETACHED_PROCESS",
    "SW_HIDE",
    "STARTF_USESHOWWINDOW",
    "CREATE_NEW_CONSOLE",
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in file.calls.iter().filter(|c| is_command(&c.name)) {
            let flags = call
                .keyword("creationflags")
                .or_else(|| call.keyword("startupinfo"));
            let hidden = flags.is_some_and(|a| {
                a.names
                    .iter()
                    .any(|n| HIDERS.iter().any(|h| n.ends_with(h)))
                    || matches!(
                        a.value,
                        Some(malpi_python::Const::Int(0x08000000 | 0x00000008))
                    )
            });
            if hidden {
                out.push(rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::HiddenWindow,
                    format!("starts {} with a hidden window", call.name),
                ));
            }
        }
    }
}
