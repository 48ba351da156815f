//! TEC007 sandbox-escape: reaching `exec`/`eval`/`compile` through the `builtins` module
//! itself (`__import__('builtins').exec(...)`, `getattr(__builtins__, 'exec')`) instead of the
//! plain name: a shape chosen to slip past checks (and sandboxes) that look for the name.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule};
use crate::names::is_exec;

pub static RULE: Rule = Rule {
    id: RuleId::Tec007,
    name: "sandbox-escape",
    category: Category::AntiDetection,
    severity: crate::model::Severity::Medium,
    description: "exec/eval/compile reached through the builtins module (__import__('builtins').exec, getattr(__builtins__, ...)).",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in file.calls.iter().filter(|c| is_exec(&c.name)) {
            let Some(text) = file
                .source
                .get(call.span.start as usize..call.span.end as usize)
            else {
                continue;
            };
            // The callee as written: the text before the first `(` of the call.
            let callee = text.split('(').next().unwrap_or(text);
            let through_builtins = callee.contains("builtins")
                || (text.starts_with("__import__") && text.contains("builtins"))
                || (text.starts_with("getattr") && text.contains("builtins"));
            if through_builtins && call.span.layer == 0 {
                out.push(rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::SandboxEscape,
                    format!("reaches {} through the builtins module", call.name),
                ));
                break;
            }
        }
    }
}
