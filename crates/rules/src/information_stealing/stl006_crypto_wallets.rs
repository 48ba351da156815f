//! STL006 crypto-wallets: reaches for cryptocurrency wallet files and extensions, or watches
//! the clipboard for wallet addresses to replace.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Stl006,
    name: "crypto-wallets",
    category: Category::InformationStealing,
    severity: Severity::High,
    description: "Reads cryptocurrency wallets (Exodus, Electrum, Atomic, MetaMask, wallet.dat) or hijacks wallet addresses on the clipboard.",
    check,
};

pub static WALLETS: crate::text::Fragments = &[
    ("exodus.wallet", "the Exodus wallet"),
    ("electrum/wallets", "Electrum wallets"),
    ("atomic/local storage", "the Atomic wallet"),
    (
        "nkbihfbeogaeaoehlefnkodbefgpgknn",
        "the MetaMask extension store",
    ),
    ("wallet.dat", "a Bitcoin Core wallet"),
    ("ledger live", "Ledger Live data"),
    ("coinomi/coinomi/wallets", "Coinomi wallets"),
    ("guarda/local storage", "the Guarda wallet"),
    ("com.liberty.jaxx", "the Jaxx wallet"),
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for (s, _, why) in crate::text::matches(pkg, fi, WALLETS) {
            out.push(rule.at(
                file,
                s.span,
                s.trigger,
                Behaviour::CryptoWallet,
                format!("reads {why}"),
            ));
        }
        let clipboard = file.calls.iter().find(|c| {
            matches!(
                c.name.as_str(),
                "pyperclip.paste" | "win32clipboard.GetClipboardData" | "clipboard.paste"
            )
        });
        let swaps = file.calls.iter().any(|c| {
            matches!(
                c.name.as_str(),
                "pyperclip.copy" | "win32clipboard.SetClipboardText" | "clipboard.copy"
            )
        });
        let wallet_regex = || {
            file.strings.iter().any(|s| {
                s.value.contains("[13][a-km-zA-HJ-NP-Z1-9]")
                    || s.value.contains("0x[a-fA-F0-9]{40}")
                    || s.value.contains("bc1")
            })
        };
        if let Some(c) = clipboard.filter(|_| swaps && wallet_regex()) {
            out.push(
                rule.at(
                    file,
                    c.span,
                    c.trigger,
                    Behaviour::ClipboardHijack,
                    "reads the clipboard, matches wallet addresses and writes it back".into(),
                )
                .severity(Severity::Critical),
            );
        }
    }
}
