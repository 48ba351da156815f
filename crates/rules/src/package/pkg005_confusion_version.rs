//! PKG005 confusion-version: a version such as `99.0.0` or `999.3.9`, chosen to outrank any
//! real release of a same-named internal package (dependency confusion: the installer picks
//! the highest version across indexes).

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Pkg005,
    name: "confusion-version",
    category: Category::Package,
    severity: Severity::Medium,
    description: "A version with a major of 90 or more, made to win a dependency-confusion race.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    if malpi_names::is_confusion_version(&pkg.version) {
        out.push(rule.about(
            "",
            Behaviour::DependencyConfusion,
            format!(
                "version `{}` outranks any real release of a same-named internal package",
                pkg.version
            ),
        ));
    }
}
