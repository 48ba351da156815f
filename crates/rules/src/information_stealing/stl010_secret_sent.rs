//! STL010 secret-sent: secrets flow to a destination the package chose. Credential files,
//! browser and wallet stores, the whole environment, the calling program's code, the screen,
//! files found by walking, or a function's `private_key`/`mnemonic` argument, followed from
//! where they are read to a network send, a DNS name or a command line that reaches a host.
//! A credential (`token`, `password`) counts only when it goes to a bare IP or a drop point other than
//! a bot API or webhook (where bot tokens belong):
//! honest clients send a token to the service it belongs to.

use crate::flows::{
    Chooser, DataKind, EndpointKind, at_flow, chooser, describe_destination, leaves_host,
};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "STL010",
    name: "secret-sent",
    category: Category::InformationStealing,
    severity: Severity::High,
    description: "A flow from a secret (credential store, browser or wallet data, the whole environment, the caller's code, screen or keys, files found by walking, a key-material argument) to a network send, DNS name or network command whose destination the package wrote.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for flow in pkg.flows.iter().filter(|f| leaves_host(f)) {
        let chosen = chooser(&flow.destination);
        let Some(source) =
            flow.sources
                .iter()
                .map(|a| &a.source)
                .find(|s| match crate::flows::data_kind(s) {
                    Some(DataKind::Secret) => {
                        matches!(chosen, Chooser::Package(k) if k != EndpointKind::Local)
                            || chosen == Chooser::Unknown
                    }
                    // A bot token goes to the bot API it belongs to.
                    Some(DataKind::Credential) => match chosen {
                        Chooser::Package(EndpointKind::BareIp) => true,
                        Chooser::Package(EndpointKind::DropPoint(what)) => {
                            !matches!(what, "a Telegram bot" | "a Discord webhook")
                        }
                        _ => false,
                    },
                    _ => false,
                })
        else {
            continue;
        };
        let message = format!(
            "{} reaches {} {} to {}",
            describe(source),
            flow.sink.as_str(),
            flow.call,
            describe_destination(flow)
        );
        out.extend(at_flow(rule, pkg, flow, "secret-sent", message));
    }
}

pub(crate) fn describe(source: &malpi_python::Source) -> String {
    use malpi_python::Source::*;
    match source {
        Environment => "the whole environment".into(),
        EnvVariable(v) => format!("environment variable {v}"),
        FileContent(p) => format!("file `{}`", malpi_python::cut(p, 60)),
        FileSearch(p) => format!("names of files under `{}`", malpi_python::cut(p, 60)),
        FoundFile(p) => format!("files found under `{}`", malpi_python::cut(p, 60)),
        CallerSource(w) => format!("the calling program's code ({w})"),
        Surveillance(w) => format!("a capture ({w})"),
        Parameter(p) => format!("argument `{p}`"),
        HostIdentity(w) => format!("host identity ({w})"),
        CommandOutput(c) => format!("the output of `{}`", malpi_python::cut(c, 60)),
        Prompt => "what the user types".into(),
        NetworkResponse(u) => format!("data downloaded from `{}`", malpi_python::cut(u, 60)),
        other => format!("{other:?}"),
    }
}
