//! EXE004 downloaded-code-run: bytes from the network followed to `exec`/`eval`/`marshal`/
//! `pickle`, or as a whole command line, through variables, helpers and threads
//! (`Thread(target=exec, args=(requests.get(u).text,))`). Code that arrives at run time
//! from a server the package names is not in the package for anyone to review.

use crate::flows::{DataKind, at_flow, data_kind};
use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use malpi_python::SinkKind;

pub static RULE: Rule = Rule {
    id: RuleId::Exe004,
    name: "downloaded-code-run",
    category: Category::CodeExecution,
    severity: Severity::High,
    description: "A flow from a network response to exec/eval/marshal.loads/pickle.loads or a command line: code fetched at run time and run.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for flow in pkg.flows.iter().filter(|f| match f.sink {
        SinkKind::Exec => true,
        // The command line itself arrived: nothing of it is written (a version or a path
        // fetched into a written command is not code).
        SinkKind::Command => f
            .destination
            .text
            .as_deref()
            .is_none_or(|t| t.split(malpi_python::HOLE).all(|p| p.trim().is_empty())),
        _ => false,
    }) {
        // `pickle.loads(pickle.dumps(response))` copies a local object: the downloaded bytes
        // are not what is loaded.
        if flow.through.iter().any(|t| t.ends_with(".dumps")) {
            continue;
        }
        let Some(source) = flow
            .sources
            .iter()
            .map(|a| &a.source)
            // From a server the package names: code a user's own server sends (an agent
            // runner, a remote shell the user set up) is the user's; so is what a local
            // server answers (a model served on localhost suggesting a command).
            .find(|s| {
                data_kind(s) == Some(DataKind::Downloaded)
                    && matches!(s, malpi_python::Source::NetworkResponse(u)
                        if crate::flows::written_address(u)
                            && crate::flows::endpoint_kind(u) != crate::flows::EndpointKind::Local)
            })
        else {
            continue;
        };
        let message = format!(
            "{} runs as {} through {}",
            crate::flows::describe_source(source),
            if flow.sink == SinkKind::Exec {
                "code"
            } else {
                "a command"
            },
            flow.call
        );
        out.extend(at_flow(
            rule,
            pkg,
            flow,
            Behaviour::DownloadedCodeRun,
            message,
        ));
    }
}
