//! STL007 exfiltration-endpoint: names a service that receives stolen data or callbacks:
//! Discord webhooks, Telegram bots, request catchers, out-of-band interaction domains.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Stl007,
    name: "exfiltration-endpoint",
    category: Category::InformationStealing,
    severity: Severity::Medium,
    description: "Names a data-drop endpoint: Discord webhook, Telegram bot API, request catchers (webhook.site, pipedream, requestbin), OAST/Burp collaborator domains, tunnels.",
    check,
};

/// The kinds of service that receive what is sent to them and show it to whoever set them up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    DiscordWebhook,
    TelegramBot,
    RequestCatcher,
    Collaborator,
    OutOfBand,
    CanaryToken,
    DnsLogger,
    Tunnel,
    FileDrop,
    RawPaste,
}

impl Service {
    pub const fn describe(self) -> &'static str {
        match self {
            Service::DiscordWebhook => "a Discord webhook",
            Service::TelegramBot => "a Telegram bot",
            Service::RequestCatcher => "a request catcher",
            Service::Collaborator => "a Burp Collaborator callback",
            Service::OutOfBand => "an out-of-band callback domain",
            Service::CanaryToken => "a canary token callback",
            Service::DnsLogger => "a DNS callback logger",
            Service::Tunnel => "a tunnel endpoint",
            Service::FileDrop => "an anonymous file drop",
            Service::RawPaste => "a raw paste",
        }
    }

    /// What naming it shows: a drop point exists to receive data; tunnels, file drops and
    /// pastes have honest users too (pyngrok, sharing a file).
    pub const fn behaviour(self) -> Behaviour {
        match self {
            Service::Tunnel => Behaviour::TunnelEndpoint,
            Service::FileDrop | Service::RawPaste => Behaviour::FileDropEndpoint,
            _ => Behaviour::DropEndpoint,
        }
    }

    /// Whether `address` names whose drop point it is. A bot API or a webhook is the
    /// sender's only with its credential written in (`bot123456:AA…`, `webhooks/123/abc…`);
    /// with a hole there (`bot{token}`) it is whichever bot the user configures, and a
    /// notification library talking to it is doing its job. The other services are the
    /// package's own by being named at all.
    pub fn owner_written(self, address: &str) -> bool {
        let after = |marker: &str| {
            let lower = address.to_ascii_lowercase();
            lower
                .find(marker)
                .map(|i| address[i + marker.len()..].to_string())
        };
        match self {
            Service::TelegramBot => after("api.telegram.org/bot").is_some_and(|rest| {
                let (id, token) = rest.split_once(':').unwrap_or(("", ""));
                id.len() >= 6 && id.bytes().all(|b| b.is_ascii_digit()) && token_chars(token) >= 20
            }),
            Service::DiscordWebhook => after("/api/webhooks/").is_some_and(|rest| {
                let (id, token) = rest.split_once('/').unwrap_or(("", ""));
                id.len() >= 10 && id.bytes().all(|b| b.is_ascii_digit()) && token_chars(token) >= 30
            }),
            _ => true,
        }
    }
}

/// Whether a string is a regular expression that matches such addresses (a scanner's or
/// a filter's pattern) rather than an address: nobody sends data to `webhook\.site`.
fn is_pattern(text: &str) -> bool {
    ["\\.", "(?:", "(?i)", "[a-z0-9", "[^", "\\b", "\\w", ".*"]
        .iter()
        .any(|p| text.contains(p))
}

/// Length of the run of token characters (`A-Za-z0-9_-`) `s` starts with.
fn token_chars(s: &str) -> usize {
    s.bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count()
}

/// Each service's address fragment, lower case.
pub const SERVICES: [(&str, Service); 30] = [
    ("discord.com/api/webhooks", Service::DiscordWebhook),
    ("discordapp.com/api/webhooks", Service::DiscordWebhook),
    ("canary.discord.com/api/webhooks", Service::DiscordWebhook),
    ("ptb.discord.com/api/webhooks", Service::DiscordWebhook),
    ("api.telegram.org/bot", Service::TelegramBot),
    ("webhook.site", Service::RequestCatcher),
    ("pipedream.net", Service::RequestCatcher),
    ("requestbin", Service::RequestCatcher),
    ("burpcollaborator.net", Service::Collaborator),
    ("oastify.com", Service::OutOfBand),
    ("interact.sh", Service::OutOfBand),
    ("oast.fun", Service::OutOfBand),
    ("oast.pro", Service::OutOfBand),
    ("oast.live", Service::OutOfBand),
    ("oast.site", Service::OutOfBand),
    ("oast.online", Service::OutOfBand),
    ("oast.me", Service::OutOfBand),
    ("canarytokens.com", Service::CanaryToken),
    ("dnslog.cn", Service::DnsLogger),
    ("ceye.io", Service::DnsLogger),
    ("ngrok.io", Service::Tunnel),
    ("ngrok-free.app", Service::Tunnel),
    ("ngrok.app", Service::Tunnel),
    ("trycloudflare.com", Service::Tunnel),
    ("serveo.net", Service::Tunnel),
    ("transfer.sh", Service::FileDrop),
    ("anonfiles.com", Service::FileDrop),
    ("gofile.io", Service::FileDrop),
    ("pastebin.com/raw", Service::RawPaste),
    ("hastebin.com", Service::RawPaste),
];

/// [`SERVICES`] as the fragment list the text index searches.
pub static ENDPOINTS: crate::text::Fragments = &described(SERVICES);

const fn described<const N: usize>(
    services: [(&'static str, Service); N],
) -> [(&'static str, &'static str); N] {
    let mut out = [("", ""); N];
    let mut i = 0;
    while i < N {
        out[i] = (services[i].0, services[i].1.describe());
        i += 1;
    }
    out
}

/// The service an address fragment of [`SERVICES`] names.
pub fn service(fragment: &str) -> Option<Service> {
    SERVICES
        .iter()
        .find(|(f, _)| *f == fragment)
        .map(|(_, s)| *s)
}

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for (s, fragment, why) in crate::text::matches(pkg, fi, ENDPOINTS) {
            let Some(service) = service(fragment) else {
                continue;
            };
            if is_pattern(&s.value) {
                continue;
            }
            if !service.owner_written(&s.value) {
                out.push(
                    rule.at(
                        file,
                        s.span,
                        s.trigger,
                        Behaviour::ConfiguredBotEndpoint,
                        format!(
                            "talks to {why} whose token it is given: `{}`",
                            malpi_python::cut(&s.value, 120)
                        ),
                    )
                    .severity(Severity::Info),
                );
                continue;
            }
            let sev = match service.behaviour() {
                Behaviour::DropEndpoint => Severity::High,
                _ => Severity::Medium,
            };
            out.push(
                rule.at(
                    file,
                    s.span,
                    s.trigger,
                    service.behaviour(),
                    format!("sends to {why}: `{}`", malpi_python::cut(&s.value, 120)),
                )
                .severity(sev),
            );
        }
        // A URL to a bare public IP address: a server with no name to answer for it.
        if let Some(s) = file
            .strings
            .iter()
            .find(|s| public_ip_url(&s.value).is_some())
        {
            out.push(
                rule.at(
                    file,
                    s.span,
                    s.trigger,
                    Behaviour::IpAddressUrl,
                    format!(
                        "talks to a bare IP address: `{}`",
                        malpi_python::cut(&s.value, 120)
                    ),
                )
                .severity(Severity::Medium),
            );
        }
    }
}

/// The IPv4 host of an `http(s)://` URL in `text`, when it is a public address.
fn public_ip_url(text: &str) -> Option<[u8; 4]> {
    if text.len() > 2_000 {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let start = lower
        .find("http://")
        .map(|i| i + 7)
        .or_else(|| lower.find("https://").map(|i| i + 8))?;
    let host = lower[start..]
        .split(|c: char| c == '/' || c == ':' || c == '?' || c.is_whitespace())
        .next()?;
    let parts: Vec<u8> = host
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let ip: [u8; 4] = parts.try_into().ok()?;
    let private = matches!(
        ip,
        [10, ..] | [127, ..] | [0, ..] | [192, 168, ..] | [169, 254, ..]
    ) || (ip[0] == 172 && (16..32).contains(&ip[1]))
        || ip[0] >= 224;
    (!private).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::Service;

    #[test]
    fn a_pattern_that_matches_addresses_is_not_an_address() {
        assert!(super::is_pattern(
            r"https?://[a-z0-9]+\.(?:ngrok|webhook\.site)"
        ));
        assert!(!super::is_pattern(
            "https://webhook.site/3f1c2a9e-0b7d-4e55-9f3a-1c2d3e4f5a6b"
        ));
    }

    #[test]
    fn a_bot_is_the_senders_with_its_token_written_in() {
        let t = Service::TelegramBot;
        assert!(t.owner_written(
            "https://api.telegram.org/bot7123456789:AAHk2x9QpLmN3vB8cR5tY1uW4zE6fG0jKsd/sendMessage"
        ));
        assert!(!t.owner_written("https://api.telegram.org/bot{token}/sendMessage"));
        assert!(!t.owner_written("https://api.telegram.org/bot"));
        let d = Service::DiscordWebhook;
        assert!(d.owner_written(
            "https://discord.com/api/webhooks/1234567890123456789/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCd"
        ));
        assert!(!d.owner_written("https://discord.com/api/webhooks/{id}/{token}"));
        assert!(Service::RequestCatcher.owner_written("https://webhook.site/"));
    }

    #[test]
    fn public_addresses_only() {
        assert!(super::public_ip_url("http://35.235.126.33/all.txt").is_some());
        assert!(super::public_ip_url("https://8.8.8.8:8443/x").is_some());
        assert!(super::public_ip_url("http://127.0.0.1:8000/").is_none());
        assert!(super::public_ip_url("http://192.168.1.4/").is_none());
        assert!(super::public_ip_url("https://example.com/1.2.3.4").is_none());
    }
}
