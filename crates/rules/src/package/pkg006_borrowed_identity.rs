//! PKG006 borrowed-identity: a package with a squatting name that also points its home page
//! or project URLs at the project it imitates, so that the index page looks like the real
//! one; or that declares no summary at all (a throwaway upload).

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Pkg006,
    name: "borrowed-identity",
    category: Category::Package,
    severity: Severity::Medium,
    description: "A squatting name whose metadata links to the imitated project, or metadata with no summary.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    if let Some(squat) = pkg.squat() {
        let imitated = squat.imitates.replace('-', "");
        let borrowed = pkg.urls.iter().find(|u| {
            let u = u.to_ascii_lowercase().replace(['-', '_'], "");
            u.contains(&format!("/{imitated}")) || u.contains(&format!("{imitated}."))
        });
        if let Some(url) = borrowed {
            out.push(rule.about(
                "",
                Behaviour::BorrowedIdentity,
                format!(
                    "links to the imitated project `{}`: {}",
                    squat.imitates,
                    malpi_python::cut(url, 120)
                ),
            ));
        }
    }
    if pkg
        .summary
        .as_deref()
        .is_some_and(|s| s.trim().is_empty() || s == "UNKNOWN")
    {
        out.push(
            rule.about("", Behaviour::NoSummary, "declares no summary".into())
                .severity(Severity::Info),
        );
    }
}
