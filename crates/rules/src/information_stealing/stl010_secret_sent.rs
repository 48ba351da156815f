//! STL010 secret-sent: secrets flow to a destination the package chose. Credential files,
//! browser and wallet stores, the whole environment, the calling program's code, the screen,
//! files found by walking, or a function's `private_key`/`mnemonic` argument, followed from
//! where they are read to a network send, a DNS name or a command line that reaches a host.
//! A credential (`token`, `password`) counts only when it goes to a bare IP or a drop point other than
//! a bot API or webhook (where bot tokens belong):
//! honest clients send a token to the service it belongs to.

use crate::flows::{
    Chooser, DataKind, EndpointKind, at_flow, chooser, describe_destination, describe_source,
    leaves_host,
};
use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Stl010,
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
                        Chooser::Package(EndpointKind::BareIp | EndpointKind::DropPoint(_)) => true,
                        _ => false,
                    },
                    _ => false,
                })
        else {
            continue;
        };
        let message = format!(
            "{} reaches {} {} to {}",
            describe_source(source),
            flow.sink.as_str(),
            flow.call,
            describe_destination(flow)
        );
        out.extend(at_flow(rule, pkg, flow, Behaviour::SecretSent, message));
    }
}
