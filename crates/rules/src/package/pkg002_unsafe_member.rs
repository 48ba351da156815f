//! PKG002 unsafe-member: a member path that climbs out of the package (`../`, absolute) or a
//! link member: harmless to malpi, which never extracts, but aimed at tools that do.

use crate::id::{Behaviour, RuleId};
use crate::model::{ArchiveIssueKind, Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Pkg002,
    name: "unsafe-member",
    category: Category::Package,
    severity: Severity::Medium,
    description: "Archive members with path traversal, absolute paths, or symbolic/hard links.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for issue in &pkg.archive_issues {
        let sev = match issue.kind {
            ArchiveIssueKind::UnsafePath => Severity::Medium,
            ArchiveIssueKind::Link => Severity::Low,
            _ => continue,
        };
        out.push(
            rule.about("", Behaviour::UnsafeMember, issue.detail.clone())
                .severity(sev),
        );
    }
}
