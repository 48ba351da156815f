//! PKG001 archive-limit: the archive tripped a reading limit (size, members, ratio, nesting):
//! a decompression bomb, or a package built to exhaust scanners.

use crate::id::{Behaviour, RuleId};
use crate::model::{ArchiveIssueKind, Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Pkg001,
    name: "archive-limit",
    category: Category::Package,
    severity: Severity::Medium,
    description: "The archive exceeded a reading limit (total or member size, member count, compression ratio, nesting depth): possibly a decompression bomb.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for issue in pkg
        .archive_issues
        .iter()
        .filter(|i| i.kind == ArchiveIssueKind::Limit)
    {
        out.push(rule.about("", Behaviour::ArchiveLimit, issue.detail.clone()));
    }
}
