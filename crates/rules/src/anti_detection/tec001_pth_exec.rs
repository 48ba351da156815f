//! TEC001 pth-code: a `.pth` file with an `import` line. Python runs such lines at every
//! interpreter start, so code there runs without the package ever being imported.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Tec001,
    name: "pth-code",
    category: Category::AntiDetection,
    severity: Severity::Medium,
    description: "Ships a .pth file whose import lines run code at every Python start-up.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in pkg
        .files
        .iter()
        .filter(|f| f.role == malpi_python::FileRole::Pth)
    {
        // A bare `import x` line is how some tools hook start-up; calls beyond it are code.
        let Some(call) = file.calls.first() else {
            continue;
        };
        out.push(
            rule.at(
                file,
                call.span,
                call.trigger,
                Behaviour::PthExec,
                format!("runs {} at every interpreter start-up", call.name),
            )
            .severity(if file.calls.len() > 1 {
                Severity::High
            } else {
                Severity::Medium
            }),
        );
    }
}
