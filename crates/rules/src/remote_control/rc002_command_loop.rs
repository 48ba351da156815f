//! RC002 remote-command: runs commands that arrive over the network (socket data or an HTTP
//! response passed to a shell): a command-and-control loop.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::{is_command, is_remote_data};
use malpi_python::SinkKind;

pub static RULE: Rule = Rule {
    id: RuleId::Rc002,
    name: "remote-command",
    category: Category::RemoteControl,
    severity: Severity::Critical,
    description: "Runs shell commands received from a socket or an HTTP response (command-and-control).",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (index, file) in pkg.files.iter().enumerate() {
        for call in file.calls.iter().filter(|c| is_command(&c.name)) {
            let remote = call
                .all_args()
                .flat_map(|a| a.calls.iter().chain(a.names.iter()))
                .find(|c| {
                    is_remote_data(c) && c.contains("recv")
                        || c.starts_with("requests.get.")
                        || c.starts_with("urllib.request.urlopen.")
                });
            if let Some(source) = remote.filter(|_| !runs_own_program(pkg, index, call)) {
                out.push(rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::CommandAndControl,
                    format!("{} runs a command received through {source}", call.name),
                ));
            }
        }
    }
}

/// Whether the command line is a program the package names, given what arrived as its
/// arguments (`install.sh {…}` with a release tag fetched from an API): the server picks
/// a value, not the command. A shell or an interpreter named with the data as its script
/// (`sh -c {…}`) is still the server's command.
fn runs_own_program(pkg: &PackageFacts, file: usize, call: &malpi_python::Call) -> bool {
    pkg.flows
        .iter()
        .filter(|f| f.file == file && f.span == call.span && f.sink == SinkKind::Command)
        .filter_map(|f| f.destination.text.as_deref())
        .any(|line| {
            malpi_python::command_program(line).is_some_and(|program| {
                !program.contains(malpi_python::HOLE) && !malpi_python::is_interpreter(&program)
            })
        })
}
