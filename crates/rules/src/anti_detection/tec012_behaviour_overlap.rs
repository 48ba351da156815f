//! TEC012 behaviour-overlap: a package under a squatting name that ships a copy of the project
//! it imitates (its import package, many modules) with behaviour added: the real library
//! works, so nothing looks wrong to the victim, while the added code runs.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Tec012,
    name: "behaviour-overlap",
    category: Category::AntiDetection,
    severity: Severity::High,
    description: "A squatting package that ships the imitated project's own import package, with behaviour findings inside the copy.",
    check,
};

/// A copy has at least this many modules (a stub does not).
const MIN_COPIED_MODULES: usize = 5;

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    let Some(squat) = pkg.squat() else {
        return;
    };
    let module = format!("{}/", squat.imitates.replace('-', "_"));
    let in_copy = |path: &str| path.starts_with(&module) || path.contains(&format!("/{module}"));
    let copied = pkg.files.iter().filter(|f| in_copy(&f.path)).count();
    if copied < MIN_COPIED_MODULES {
        return;
    }
    out.push(rule.about(
        "", Behaviour::BehaviourOverlap,
        format!(
            "ships {copied} modules of `{}` under the name `{}`: a working copy that hides what was added",
            squat.imitates, pkg.name
        ),
    ));
}
