//! STL007 exfiltration-endpoint: names a service that receives stolen data or callbacks:
//! Discord webhooks, Telegram bots, request catchers, out-of-band interaction domains.

use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "STL007",
    name: "exfiltration-endpoint",
    category: Category::InformationStealing,
    severity: Severity::Medium,
    description: "Names a data-drop endpoint: Discord webhook, Telegram bot API, request catchers (webhook.site, pipedream, requestbin), OAST/Burp collaborator domains, tunnels.",
    check,
};

pub static ENDPOINTS: crate::text::Fragments = &[
    ("discord.com/api/webhooks", "a Discord webhook"),
    ("discordapp.com/api/webhooks", "a Discord webhook"),
    ("canary.discord.com/api/webhooks", "a Discord webhook"),
    ("ptb.discord.com/api/webhooks", "a Discord webhook"),
    ("api.telegram.org/bot", "a Telegram bot"),
    ("webhook.site", "a request catcher"),
    ("pipedream.net", "a request catcher"),
    ("requestbin", "a request catcher"),
    ("burpcollaborator.net", "a Burp Collaborator callback"),
    ("oastify.com", "an out-of-band callback domain"),
    ("interact.sh", "an out-of-band callback domain"),
    ("oast.fun", "an out-of-band callback domain"),
    ("oast.pro", "an out-of-band callback domain"),
    ("oast.live", "an out-of-band callback domain"),
    ("oast.site", "an out-of-band callback domain"),
    ("oast.online", "an out-of-band callback domain"),
    ("oast.me", "an out-of-band callback domain"),
    ("canarytokens.com", "a canary token callback"),
    ("dnslog.cn", "a DNS callback logger"),
    ("ceye.io", "a DNS callback logger"),
    ("ngrok.io", "a tunnel endpoint"),
    ("ngrok-free.app", "a tunnel endpoint"),
    ("ngrok.app", "a tunnel endpoint"),
    ("trycloudflare.com", "a tunnel endpoint"),
    ("serveo.net", "a tunnel endpoint"),
    ("transfer.sh", "an anonymous file drop"),
    ("anonfiles.com", "an anonymous file drop"),
    ("gofile.io", "an anonymous file drop"),
    ("pastebin.com/raw", "a raw paste"),
    ("hastebin.com", "a raw paste"),
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for (s, _, why) in crate::text::matches(pkg, fi, ENDPOINTS) {
            let sev = if why.contains("webhook")
                || why.contains("bot")
                || why.contains("callback")
                || why.contains("catcher")
            {
                Severity::High
            } else {
                Severity::Medium
            };
            out.push(
                rule.at(
                    file,
                    s.span,
                    s.trigger,
                    "exfiltration-endpoint",
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
                    "ip-address-url",
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
    #[test]
    fn public_addresses_only() {
        assert!(super::public_ip_url("http://35.235.126.33/all.txt").is_some());
        assert!(super::public_ip_url("https://8.8.8.8:8443/x").is_some());
        assert!(super::public_ip_url("http://127.0.0.1:8000/").is_none());
        assert!(super::public_ip_url("http://192.168.1.4/").is_none());
        assert!(super::public_ip_url("https://example.com/1.2.3.4").is_none());
    }
}
