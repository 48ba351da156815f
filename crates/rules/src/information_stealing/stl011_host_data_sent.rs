//! STL011 host-data-sent: who and where the host is (user, host name, addresses, working
//! folder), what a command printed or what the user typed, followed to a network send or a
//! network command whose destination the package wrote. At install or import time, or to a
//! drop point or bare IP at any time, that is a beacon; a tool reporting its platform to its
//! own server when asked is not, and gives no finding.

use crate::flows::{
    Chooser, DataKind, EndpointKind, at_flow, chooser, describe_destination, leaves_host,
};
use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use malpi_python::{SinkKind, Trigger};

pub static RULE: Rule = Rule {
    id: RuleId::Stl011,
    name: "host-data-sent",
    category: Category::InformationStealing,
    severity: Severity::High,
    description: "A flow from host identity, command output or a prompt to a network send or network command whose destination the package wrote, at install/import time or to a drop point or bare IP.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for flow in pkg
        .flows
        .iter()
        .filter(|f| leaves_host(f) && f.sink != SinkKind::Dns)
    {
        let Chooser::Package(endpoint) = chooser(&flow.destination) else {
            continue;
        };
        if endpoint == EndpointKind::Local {
            continue;
        }
        let Some(source) = flow
            .sources
            .iter()
            .map(|a| &a.source)
            .find(|s| crate::flows::data_kind(s) == Some(DataKind::HostData))
        else {
            continue;
        };
        let early = matches!(flow.trigger, Trigger::Install | Trigger::Import);
        let drop = matches!(
            endpoint,
            EndpointKind::DropPoint(_) | EndpointKind::BotApi | EndpointKind::BareIp
        );
        // A tool reporting its platform to its own server when asked is not a beacon.
        if !early && !drop {
            continue;
        }
        let message = format!(
            "{} reaches {} {} to {} ({} trigger)",
            crate::flows::describe_source(source),
            flow.sink.as_str(),
            flow.call,
            describe_destination(flow),
            flow.trigger.as_str()
        );
        out.extend(at_flow(rule, pkg, flow, Behaviour::HostDataSent, message));
    }
}
