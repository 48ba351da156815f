//! FIL002 persistence: makes something run again later: startup folders, Run keys, cron,
//! systemd units, shell profiles, launch agents, scheduled tasks.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use malpi_python::Trigger;

pub static RULE: Rule = Rule {
    id: RuleId::Fil002,
    name: "persistence",
    category: Category::FileOperation,
    severity: Severity::High,
    description: "Installs persistence: Windows startup folder or Run key, scheduled tasks, cron, systemd units, shell profiles, macOS launch agents.",
    check,
};

pub static LOCATIONS: crate::text::Fragments = &[
    ("start menu/programs/startup", "the Windows startup folder"),
    ("currentversion/run", "a registry Run key"),
    ("schtasks /create", "a scheduled task"),
    ("schtasks.exe /create", "a scheduled task"),
    ("crontab -", "the crontab"),
    ("/etc/cron", "the system cron"),
    ("/etc/systemd/system", "a systemd unit"),
    (".config/systemd/user", "a systemd user unit"),
    ("systemctl enable", "a systemd unit"),
    ("library/launchagents", "a macOS launch agent"),
    ("/etc/rc.local", "rc.local"),
    ("/etc/profile", "the system shell profile"),
    // Shortcuts rewritten so that the browser loads an extension the attacker wrote.
    (
        "--load-extension",
        "browser shortcuts side-loading an extension",
    ),
    ("quick launch/user pinned", "pinned taskbar shortcuts"),
];

/// Files every new interactive or login shell reads and runs.
const SHELL_PROFILES: &[&str] = &[
    ".bashrc",
    ".zshrc",
    ".profile",
    ".bash_profile",
    ".zprofile",
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for (s, _, why) in crate::text::matches(pkg, fi, LOCATIONS) {
            out.push(
                rule.at(
                    file,
                    s.span,
                    s.trigger,
                    Behaviour::Persistence,
                    format!(
                        "persists through {why}: `{}`",
                        malpi_python::cut(&s.value, 120)
                    ),
                )
                .targeting(&malpi_python::cut(&s.value, 120)),
            );
        }
        for call in file.calls.iter().filter(|c| {
            matches!(
                c.name.as_str(),
                "winreg.SetValueEx" | "_winreg.SetValueEx" | "winreg.CreateKey"
            )
        }) {
            let sev = if call.name.ends_with("SetValueEx") {
                Severity::Medium
            } else {
                Severity::Low
            };
            out.push(
                rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::Registry,
                    format!("writes the registry with {}", call.name),
                )
                .severity(sev),
            );
        }
        // Writing a shell profile (appending a line, or rewriting it with a line added)
        // makes every new shell run what was added.
        for call in file.calls.iter().filter(|c| c.name == "builtins.open") {
            let target = call
                .args
                .first()
                .and_then(|a| a.path_text())
                .unwrap_or_default();
            let mode = call.open_mode();
            let writes = if mode.contains('a') {
                "appends to"
            } else if mode.contains(['w', 'x']) {
                "rewrites"
            } else {
                continue;
            };
            if SHELL_PROFILES.iter().any(|p| target.ends_with(p)) {
                // A command the user runs may set up their shell (completions, an alias of
                // its own): only an edit nobody asked for, at install or import, is
                // persistence on its own.
                let asked_for = call.trigger == Trigger::Runtime;
                out.push(
                    rule.at(
                        file,
                        call.span,
                        call.trigger,
                        Behaviour::ShellProfile,
                        format!("{writes} the shell profile `{target}`"),
                    )
                    .severity(if asked_for {
                        Severity::Medium
                    } else {
                        Severity::High
                    }),
                );
            }
        }
    }
}
