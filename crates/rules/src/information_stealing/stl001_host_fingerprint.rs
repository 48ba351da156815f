//! STL001 host-fingerprint: reads who and where the host is (user, hostname, IP, platform).
//!
//! Harmless alone; sent out at install time it is the dependency-confusion probe pattern.

use crate::model::{Category, Finding, PackageFacts, Rule, Severity, by_trigger};
use crate::names::is_fingerprint;

pub static RULE: Rule = Rule {
    id: "STL001",
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
                    "host-fingerprint",
                    format!("reads host identity with {}", call.name),
                )
                .severity(sev),
            );
        }
        for (s, frag, _) in crate::text::matches(pkg, fi, IP_SERVICES) {
            out.push(rule.at(
                file,
                s.span,
                s.trigger,
                "public-ip",
                format!("looks up the public IP address ({frag})"),
            ));
        }
    }
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
