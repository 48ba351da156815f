//! EXE003 dynamic-exec: runs a string as code at install or import time. Templating
//! libraries do this at run time; few honest packages do it while installing.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity, by_trigger};
use crate::names::is_exec;

pub static RULE: Rule = Rule {
    id: RuleId::Exe003,
    name: "dynamic-exec",
    category: Category::CodeExecution,
    severity: Severity::Low,
    description: "Executes a string as Python code (exec, eval, compile) when installed or imported.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in file.calls.iter().filter(|c| is_exec(&c.name)) {
            let Some(arg) = call.args.first() else {
                continue;
            };
            // `exec(open('version.py').read())` in setup.py is the common honest idiom.
            let reads_local_file = arg
                .calls
                .iter()
                .any(|c| c == "builtins.open" || c.ends_with(".read") || c.ends_with("read_text"));
            if reads_local_file && arg.calls.len() <= 3 {
                continue;
            }
            let sev = by_trigger(call.trigger, Severity::Low, Severity::Low, Severity::Info);
            let what = arg
                .text()
                .map(|t| format!(" `{}`", malpi_python::cut(&t, 100)))
                .unwrap_or_default();
            out.push(
                rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::DynamicExec,
                    format!("{} runs a string as code{what}", call.name),
                )
                .severity(sev),
            );
        }
    }
}
