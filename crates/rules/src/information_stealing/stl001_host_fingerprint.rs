//! STL001 host-fingerprint: reads who and where the host is (user, hostname, IP, platform).
//!
//! Harmless alone; sent out at install time it is the dependency-confusion probe pattern.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity, by_trigger};
use crate::names::is_fingerprint;

pub static RULE: Rule = Rule {
    id: RuleId::Stl001,
    name: "host-fingerprint",
    category: Category::InformationStealing,
    severity: Severity::Low,
    description: "Collects host identity: user name, hostname, IP or MAC address, platform details.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for call in file.calls.iter().filter(|c| is_fingerprint(&c.name)) {
            let sev = by_trigger(call.trigger, Severity::Low, Severity::Low, Severity::Info);
            out.push(
                rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::HostFingerprint,
                    format!("reads host identity with {}", call.name),
                )
                .severity(sev),
            );
        }
        // Reconnaissance commands: their output is the host's identity or its secrets.
        for call in file
            .calls
            .iter()
            .filter(|c| crate::names::is_command(&c.name))
        {
            let Some(recon) = call.texts().find_map(|t| recon_command(&t)) else {
                continue;
            };
            let sev = by_trigger(call.trigger, Severity::Low, Severity::Low, Severity::Info);
            out.push(
                rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::ReconCommand,
                    format!("runs `{recon}` to learn about the host"),
                )
                .severity(sev),
            );
        }
        for (s, frag, _) in crate::text::matches(pkg, fi, IP_SERVICES) {
            out.push(rule.at(
                file,
                s.span,
                s.trigger,
                Behaviour::PublicIp,
                format!("looks up the public IP address ({frag})"),
            ));
        }
    }
}

/// The first word of a command line, when it is a host-reconnaissance command.
fn recon_command(line: &str) -> Option<&'static str> {
    const RECON: &[&str] = &[
        "whoami",
        "hostname",
        "id",
        "uname",
        "env",
        "printenv",
        "set",
        "ipconfig",
        "ifconfig",
        "systeminfo",
        "net",
        "ip",
        "ps",
    ];
    let first = line.split_whitespace().next()?;
    let first = first.rsplit(['/', '\\']).next()?.trim_end_matches(".exe");
    RECON
        .iter()
        .copied()
        .find(|r| first.eq_ignore_ascii_case(r))
}

pub static IP_SERVICES: crate::text::Fragments = &[
    ("api.ipify.org", ""),
    ("ipinfo.io", ""),
    ("ifconfig.me", ""),
    ("icanhazip.com", ""),
    ("checkip.amazonaws.com", ""),
    ("ip-api.com", ""),
    ("ipapi.co", ""),
    ("myexternalip.com", ""),
    ("wtfismyip.com", ""),
    ("geolocation-db.com", ""),
];
