//! Indicators a defender can block: URLs, domains, IPs, webhook and bot endpoints, e-mail
//! and wallet addresses, and the file paths the code targets.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::model::{Finding, PackageFacts};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Ioc {
    pub kind: &'static str,
    pub value: String,
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(?:https?|ftp|wss?)://[^\s'"<>`\\{}|^]{3,400}"#).unwrap());
static IPV4: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:\d{1,3}\.){3}\d{1,3}\b").unwrap());
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,200}\.[A-Za-z]{2,12}\b").unwrap()
});
static WALLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:bc1[a-z0-9]{25,60}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[a-fA-F0-9]{40}|T[1-9A-HJ-NP-Za-km-z]{33})$").unwrap()
});

/// Domains that appear in honest code everywhere and block nothing.
const COMMON: &[&str] = &[
    "python.org",
    "pypi.org",
    "pythonhosted.org",
    "readthedocs.io",
    "readthedocs.org",
    "w3.org",
    "example.com",
    "example.org",
    "localhost",
    "schemas.microsoft.com",
    "apache.org",
    "opensource.org",
    "gnu.org",
    "xml.org",
    "purl.org",
    "json-schema.org",
    "mozilla.org",
    "creativecommons.org",
];

fn is_common(host: &str) -> bool {
    COMMON
        .iter()
        .any(|c| host == *c || host.ends_with(&format!(".{c}")))
}

fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

fn is_public_ip(ip: &str) -> bool {
    let parts: Vec<u32> = ip.split('.').filter_map(|p| p.parse().ok()).collect();
    parts.len() == 4
        && parts.iter().all(|&p| p <= 255)
        && !matches!(parts[0], 0 | 10 | 127 | 255)
        && !(parts[0] == 192 && parts[1] == 168)
        && !(parts[0] == 172 && (16..32).contains(&parts[1]))
        && !(parts[0] == 169 && parts[1] == 254)
}

/// Indicators from the strings of every file, plus the paths the findings name.
pub fn extract(pkg: &PackageFacts, findings: &[Finding]) -> Vec<Ioc> {
    let mut set: BTreeSet<Ioc> = BTreeSet::new();
    let mut add = |kind: &'static str, value: &str| {
        if set.len() < 500 {
            set.insert(Ioc {
                kind,
                value: value.to_string(),
            });
        }
    };
    for file in &pkg.files {
        for s in file.strings.iter().filter(|s| s.value.len() < 20_000) {
            let v = s.value.as_str();
            for m in URL.find_iter(v) {
                let url = m.as_str().trim_end_matches(['.', ',', ')', ';', ']']);
                let Some(host) = host_of(url) else { continue };
                let host_l = host.to_ascii_lowercase();
                if is_common(&host_l) || !host_l.contains('.') {
                    continue;
                }
                let lower = url.to_ascii_lowercase();
                if lower.contains("/api/webhooks/") || lower.contains("api.telegram.org/bot") {
                    add("webhook", url);
                } else {
                    add("url", url);
                }
                if IPV4.is_match(host) && is_public_ip(host) {
                    add("ip", host);
                } else {
                    add("domain", &host_l);
                }
            }
            if v.len() < 200 {
                for m in IPV4.find_iter(v) {
                    // Version strings look like IPs; require the string to be about the IP.
                    if is_public_ip(m.as_str()) && (v.len() < 40 || v.contains("://")) {
                        add("ip", m.as_str());
                    }
                }
                for m in EMAIL.find_iter(v) {
                    add("email", m.as_str());
                }
                if WALLET.is_match(v.trim()) && v.trim().len() >= 26 {
                    add("wallet", v.trim());
                }
            }
        }
    }
    for path in findings.iter().filter_map(|f| f.target_path.as_deref()) {
        add("path", path);
    }
    set.into_iter().collect()
}
