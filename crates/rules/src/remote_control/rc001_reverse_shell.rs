//! RC001 reverse-shell: connects out and hands a shell to the other end: socket plus
//! `os.dup2` of its descriptor, a `pty.spawn` shell, or the classic shell one-liners.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::is_command;

pub static RULE: Rule = Rule {
    id: RuleId::Rc001,
    name: "reverse-shell",
    category: Category::RemoteControl,
    severity: Severity::Critical,
    description: "Opens a reverse shell: socket descriptors duplicated onto stdin/stdout, pty.spawn of a shell, or bash/nc one-liners.",
    check,
};

pub static ONE_LINERS: crate::text::Fragments = &[
    (">& /dev/tcp/", "a bash /dev/tcp reverse shell"),
    (">&/dev/tcp/", "a bash /dev/tcp reverse shell"),
    ("0>&1", "a shell bound to a connection"),
    ("nc -e /bin/", "a netcat reverse shell"),
    ("ncat -e /bin/", "a netcat reverse shell"),
    ("mkfifo /tmp/", "a fifo reverse shell"),
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for (s, _, why) in crate::text::matches(pkg, fi, ONE_LINERS) {
            // A command call on its line, or one whose command holds it, runs it; otherwise
            // it is a line held as data (a scanner's payload list, a cheat sheet), which the
            // verdict counts only where it is hidden or in setup.py.
            let run_by = file.calls.iter().find(|c| {
                is_command(&c.name)
                    && (c.span.line == s.span.line || c.texts().any(|t| t.contains(&s.value)))
            });
            let finding = match run_by {
                Some(call) => rule.at(
                    file,
                    s.span,
                    s.trigger,
                    Behaviour::ReverseShell,
                    format!(
                        "{} runs {why}: `{}`",
                        call.name,
                        malpi_python::cut(&s.value, 120)
                    ),
                ),
                None => rule
                    .at(
                        file,
                        s.span,
                        s.trigger,
                        Behaviour::ReverseShellLine,
                        format!("holds {why}: `{}`", malpi_python::cut(&s.value, 120)),
                    )
                    .severity(Severity::High),
            };
            out.push(finding);
        }
        // A shell started with a pipe for its input, fed what a connection reads: the other
        // end types the commands (`proc.stdin.write(sock.makefile("rb").read(1))`).
        let shell_with_pipe = file.calls.iter().any(|c| {
            c.name == "subprocess.Popen"
                && c.args
                    .first()
                    .and_then(|a| a.text())
                    .is_some_and(|t| is_shell_program(&t))
                && c.keywords.iter().any(|(k, _)| k == "stdin")
        });
        if shell_with_pipe {
            if let Some(feed) = file.calls.iter().find(|c| {
                c.name.ends_with("Popen.stdin.write")
                    && c.args
                        .first()
                        .is_some_and(|a| a.from_call(|n| n.starts_with("socket.")))
            }) {
                out.push(rule.at(
                    file,
                    feed.span,
                    feed.trigger,
                    Behaviour::ReverseShell,
                    "feeds what a connection reads into a shell's standard input".into(),
                ));
            }
        }
        let connects = file.calls.iter().any(|c| {
            matches!(
                c.name.as_str(),
                "socket.socket.connect" | "socket.create_connection" | "socket.socket"
            )
        });
        if !connects {
            continue;
        }
        // Only descriptors that come from a connection: servers and daemons also point
        // their standard streams at /dev/null or a log with `os.dup2`.
        let dup2 = file
            .calls
            .iter()
            .filter(|c| c.name == "os.dup2" && c.args.first().is_some_and(from_connection))
            .count();
        let shell = file.calls.iter().find(|c| {
            c.name == "pty.spawn"
                || (c.name.starts_with("subprocess.")
                    && c.texts().any(|t| {
                        t.contains("/bin/sh") || t.contains("/bin/bash") || t.contains("cmd.exe")
                    }))
        });
        if dup2 >= 2 || (dup2 >= 1 && shell.is_some()) {
            let Some(c) = file
                .calls_named("os.dup2")
                .find(|c| c.args.first().is_some_and(from_connection))
            else {
                continue;
            };
            out.push(rule.at(
                file,
                c.span,
                c.trigger,
                Behaviour::ReverseShell,
                "duplicates a socket onto the standard streams and starts a shell".into(),
            ));
        } else if let Some(c) = shell.filter(|c| c.name == "pty.spawn") {
            out.push(
                rule.at(
                    file,
                    c.span,
                    c.trigger,
                    Behaviour::ReverseShell,
                    "spawns a shell on a pseudo-terminal next to a socket".into(),
                )
                .severity(Severity::High),
            );
        }
    }
}

/// Whether a command line starts a shell (`cmd.exe`, `powershell`, `/bin/sh`, `bash`).
fn is_shell_program(command: &str) -> bool {
    let program = command
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let base = program.rsplit(['/', '\\']).next().unwrap_or("");
    matches!(
        base.trim_end_matches(".exe"),
        "cmd" | "powershell" | "pwsh" | "sh" | "bash" | "zsh" | "dash"
    )
}

/// Whether a descriptor is a connection's: `s.fileno()` of a socket, or a name bound to one.
fn from_connection(arg: &malpi_python::Arg) -> bool {
    let is_file = |n: &str| n.starts_with("builtins.open") || n.starts_with("os.open");
    arg.from_call(|n| n.ends_with("fileno") && !is_file(n))
        || arg.names.iter().any(|n| n.starts_with("socket."))
}
