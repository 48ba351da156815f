//! EXE002 exec-downloaded: runs code fetched from the network (`exec(requests.get(u).text)`,
//! `exec(urlopen(u).read())`): the second stage arrives at run time, out of the scanner's sight.

use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::{is_exec, is_remote_data};

pub static RULE: Rule = Rule {
    id: "EXE002",
    name: "exec-downloaded",
    category: Category::CodeExecution,
    severity: Severity::Critical,
    description: "Executes code downloaded from the network or received from a socket.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in file.calls.iter().filter(|c| {
            is_exec(&c.name) || matches!(c.name.as_str(), "marshal.loads" | "pickle.loads")
        }) {
            let Some(arg) = call.args.first() else {
                continue;
            };
            let remote = arg
                .calls
                .iter()
                .find(|c| is_remote_data(c))
                .or_else(|| arg.names.iter().find(|n| is_remote_data(n)));
            if let Some(source) = remote {
                out.push(rule.at(
                    file,
                    call.span,
                    call.trigger,
                    "exec-downloaded",
                    format!("{} runs code fetched with {source}", call.name),
                ));
            }
        }
    }
}
