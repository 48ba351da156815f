//! EXE002 exec-downloaded: runs code fetched from the network (`exec(requests.get(u).text)`,
//! `exec(urlopen(u).read())`): the second stage arrives at run time, out of the scanner's sight.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Exe002,
    name: "exec-downloaded",
    category: Category::CodeExecution,
    severity: Severity::Critical,
    description: "Executes code downloaded from the network or received from a socket.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (index, file) in pkg.files.iter().enumerate() {
        for (call, source) in crate::names::remote_code_runs(pkg, index) {
            out.push(rule.at(
                file,
                call.span,
                call.trigger,
                Behaviour::ExecDownloaded,
                format!("{} runs code fetched with {source}", call.name),
            ));
        }
    }
}
