//! PKG004 typosquat: the package's name imitates a popular project's (one letter off,
//! look-alike letters, separators, an added prefix or suffix), so that a typo or a careless
//! copy installs it. A squatting name alone is suspicious; with code that runs on install or
//! import it is how the payload reaches its victims.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Pkg004,
    name: "typosquat",
    category: Category::Package,
    severity: Severity::High,
    description: "The package name imitates a popular project's (typo, look-alike letters, separators, prefix/suffix).",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    if let Some(squat) = pkg.squat() {
        out.push(rule.about(
            "",
            Behaviour::Typosquat,
            format!(
                "the name `{}` imitates `{}` (download rank {}): {}",
                pkg.name, squat.imitates, squat.rank, squat.kind
            ),
        ));
    }
}
