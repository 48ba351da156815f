//! RC002 remote-command: runs commands that arrive over the network (socket data or an HTTP
//! response passed to a shell): a command-and-control loop.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::{is_command, is_remote_data};

pub static RULE: Rule = Rule {
    id: RuleId::Rc002,
    name: "remote-command",
    category: Category::RemoteControl,
    severity: Severity::Critical,
    description: "Runs shell commands received from a socket or an HTTP response (command-and-control).",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in file.calls.iter().filter(|c| is_command(&c.name)) {
            let remote = call
                .all_args()
                .flat_map(|a| a.calls.iter().chain(a.names.iter()))
                .find(|c| {
                    is_remote_data(c) && c.contains("recv")
                        || c.starts_with("requests.get.")
                        || c.starts_with("urllib.request.urlopen.")
                });
            if let Some(source) = remote {
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
