//! STL008 network-request: talks to the network. A capability, weighed by when it runs: an
//! HTTP request from setup.py is rare in honest packages.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity, by_trigger};
use crate::names::is_network;

pub static RULE: Rule = Rule {
    id: RuleId::Stl008,
    name: "network-request",
    category: Category::InformationStealing,
    severity: Severity::Low,
    description: "Sends or fetches data over the network (HTTP, sockets, DNS, SMTP, FTP).",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in file.calls.iter().filter(|c| is_network(&c.name)) {
            let sev = by_trigger(
                call.trigger,
                Severity::Medium,
                Severity::Low,
                Severity::Info,
            );
            // `PoolManager().request("POST", url)`: the method is not where it goes.
            let target = match call.args.first().and_then(|a| a.text()) {
                Some(m) if is_http_method(&m) => call.args.get(1).and_then(|a| a.text()),
                other => other,
            }
            .map(|t| format!(" to `{}`", malpi_python::cut(&t, 100)))
            .unwrap_or_default();
            out.push(
                rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::SendData,
                    format!("network call {}{target} {}", call.name, call.trigger.when()),
                )
                .severity(sev),
            );
        }
    }
}

fn is_http_method(text: &str) -> bool {
    matches!(
        text.to_ascii_uppercase().as_str(),
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"
    )
}
