//! The program stage of a scan: join the files into one program (malpi-program), give every
//! fact the trigger of the earliest entry that reaches it, and give findings their chains.

use std::collections::HashMap;

use malpi_program::{Entries, Node, Program};
use malpi_python::{FileFacts, ParseStatus, Step, Trigger};
use malpi_rules::{ArchiveIssue, ArchiveIssueKind, Finding, PackageFacts, Severity, VerdictKind};

use crate::Limits;

/// Build the program and apply its triggers; a bound that tripped (edges per package,
/// scopes per file) is a finding and an `errors` entry, once.
pub fn model(
    facts: &mut PackageFacts,
    entries: &Entries,
    limits: &Limits,
    errors: &mut Vec<String>,
) -> Program {
    let program = Program::build(&facts.files, entries, limits.max_graph_edges);
    program.apply(&mut facts.files);
    facts.flows = program.flows();
    let mut tripped = Vec::new();
    if program.stats().capped {
        tripped.push(format!(
            "program model: more than {} call edges; code reached past them may show as runtime",
            limits.max_graph_edges
        ));
    }
    tripped.extend(facts.files.iter().filter(|f| f.scopes_capped).map(|f| {
        format!(
            "{}: more functions and classes than the analysis keeps; the rest sits in the last one",
            f.path
        )
    }));
    for detail in tripped {
        if !facts.archive_issues.iter().any(|i| i.detail == detail) {
            errors.push(format!("limit: {detail}"));
            facts.archive_issues.push(ArchiveIssue {
                kind: ArchiveIssueKind::Limit,
                detail,
            });
        }
    }
    program
}

/// Strong evidence at run time, in a package not already judged malicious, that code the
/// analysis did not parse could start earlier: only then is the skeleton of that code worth
/// reading (it costs a pass over it, and the rules may run again). Weaker evidence could
/// rise too, but a large honest library holds plenty of it, and this keeps the cost of the
/// whole program off the packages that do not need it.
pub fn may_run_through_unparsed_code(findings: &[Finding], files: &[FileFacts]) -> bool {
    // Cheapest first: the verdict is weighed only for packages that pass the rest.
    files
        .iter()
        .any(|f| f.status == ParseStatus::Screened || !f.pruned_blocks.is_empty())
        && findings.iter().any(|f| {
            f.severity >= Severity::High && f.trigger == Some(Trigger::Runtime) && !f.auxiliary
        })
        && malpi_rules::verdict::decide(findings).verdict != VerdictKind::Malicious
}

/// Whether the program now gives some finding's scope another trigger than it has.
pub fn triggers_moved(findings: &[Finding], files: &[FileFacts], program: &Program) -> bool {
    let nodes = Nodes::of(files);
    findings.iter().any(|f| {
        nodes
            .of_finding(f)
            .is_some_and(|node| f.trigger.is_some_and(|t| t != program.trigger_of(node)))
    })
}

/// Each finding in code that something starts gets the chain from its entry point.
pub fn add_chains(findings: &mut [Finding], files: &[FileFacts], program: &Program) {
    let nodes = Nodes::of(files);
    // Findings share scopes: each chain is built once.
    let mut chains: HashMap<Node, Vec<Step>> = HashMap::new();
    for f in findings.iter_mut() {
        if let Some(node) = nodes.of_finding(f) {
            f.reached_by = chains
                .entry(node)
                .or_insert_with(|| program.reached_by(files, node))
                .clone();
        }
    }
}

/// Where a finding sits in the program: its file (by path) and scope.
struct Nodes<'a> {
    by_path: HashMap<&'a str, u32>,
}

impl<'a> Nodes<'a> {
    fn of(files: &'a [FileFacts]) -> Self {
        Nodes {
            by_path: files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.path.as_str(), i as u32))
                .collect(),
        }
    }

    fn of_finding(&self, f: &Finding) -> Option<Node> {
        Some(Node {
            file: *self.by_path.get(f.path.as_str())?,
            scope: f.scope?,
        })
    }
}
