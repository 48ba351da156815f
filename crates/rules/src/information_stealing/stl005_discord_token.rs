//! STL005 discord-token: the Discord token grabber signature: the client's leveldb store
//! and the token format.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Stl005,
    name: "discord-token",
    category: Category::InformationStealing,
    severity: Severity::High,
    description: "Searches Discord's local storage (leveldb) for account tokens.",
    check,
};

pub static MARKERS: crate::text::Fragments = &[
    (
        "local storage/leveldb",
        "scans a Local Storage leveldb, where Discord keeps tokens",
    ),
    (
        "[\\w-]{24}\\.[\\w-]{6}\\.[\\w-]{27}",
        "matches the Discord token format",
    ),
    (
        "[\\w-]{24}.[\\w-]{6}.[\\w-]{27}",
        "matches the Discord token format",
    ),
    ("mfa\\.[\\w-]{84}", "matches the Discord MFA token format"),
    ("dqw4w9wgxcq:", "decrypts stored Discord tokens"),
    (
        "discord.com/api/v9/users/@me",
        "checks stolen Discord tokens",
    ),
    (
        "discordapp.com/api/v6/users/@me",
        "checks stolen Discord tokens",
    ),
    (
        "discord.com/api/v6/users/@me",
        "checks stolen Discord tokens",
    ),
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for (s, _, why) in crate::text::matches(pkg, fi, MARKERS) {
            out.push(rule.at(
                file,
                s.span,
                s.trigger,
                Behaviour::DiscordToken,
                why.to_string(),
            ));
        }
    }
}
