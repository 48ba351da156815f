//! STL004 browser-data: reaches into browser profiles for saved passwords, cookies and the
//! key that decrypts them.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Stl004,
    name: "browser-data",
    category: Category::InformationStealing,
    severity: Severity::High,
    description: "Reads browser profile stores: saved logins, cookies, card data, and the Local State key that decrypts them.",
    check,
};

pub static STORES: crate::text::Fragments = &[
    ("login data", "saved browser passwords"),
    ("/local state", "the browser's encryption key"),
    ("encrypted_key", "the browser's encryption key"),
    ("cryptunprotectdata", "DPAPI decryption of browser secrets"),
    ("/network/cookies", "browser cookies"),
    ("web data", "saved cards and autofill"),
    ("logins.json", "Firefox saved logins"),
    ("key4.db", "Firefox key store"),
    ("cookies.sqlite", "Firefox cookies"),
    ("google/chrome/user data", "the Chrome profile"),
    ("bravesoftware/brave-browser", "the Brave profile"),
    ("yandex/yandexbrowser", "the Yandex profile"),
    ("opera software/opera stable", "the Opera profile"),
    ("microsoft/edge/user data", "the Edge profile"),
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        let hits = crate::text::matches(pkg, fi, STORES);
        // One mention of "Web Data" can be innocent; browser theft names several stores.
        let distinct: std::collections::HashSet<&str> = hits.iter().map(|(_, f, _)| *f).collect();
        let sev = if distinct.len() >= 2 {
            Severity::High
        } else {
            Severity::Low
        };
        for (s, _, why) in hits {
            out.push(
                rule.at(
                    file,
                    s.span,
                    s.trigger,
                    Behaviour::BrowserCredentials,
                    format!("reads {why}"),
                )
                .severity(sev),
            );
        }
    }
}
