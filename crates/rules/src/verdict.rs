//! The verdict: one place that weighs findings into a score and names the combination that
//! decided it. A capability alone (HTTP calls, running git) is not malicious; intent shows in
//! combinations (install time + network + host data, decode + exec, download + run,
//! sensitive read + send) or in a signature behaviour (a reverse shell).

use std::collections::BTreeMap;

use malpi_python::Trigger;
use serde::Serialize;

use crate::model::{Behaviour, Category, Finding, RuleId, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    Clean,
    Suspicious,
    Malicious,
    Error,
}

impl VerdictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Clean => "clean",
            VerdictKind::Suspicious => "suspicious",
            VerdictKind::Malicious => "malicious",
            VerdictKind::Error => "error",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub verdict: VerdictKind,
    pub score: f64,
    pub categories: Vec<Category>,
    pub triggers: Vec<Trigger>,
    pub techniques: Vec<String>,
    /// The named combinations that held, decisive ones first.
    pub combinations: Vec<Combination>,
    /// Why: the combination or signature that decided, in words.
    pub reasons: Vec<String>,
}

const SUSPICIOUS_SCORE: f64 = 0.45;

fn trigger_factor(t: Option<Trigger>) -> f64 {
    match t {
        Some(Trigger::Install) | None => 1.0,
        Some(Trigger::Import) => 0.9,
        Some(Trigger::Runtime) => 0.6,
    }
}

/// The findings of one place, asked for by rule, behaviour and trigger.
struct Evidence<'a> {
    findings: &'a [&'a Finding],
}

fn is_early(f: &Finding) -> bool {
    matches!(f.trigger, Some(Trigger::Install | Trigger::Import))
}

impl<'a> Evidence<'a> {
    fn find(&self, pred: impl Fn(&Finding) -> bool) -> Option<&'a Finding> {
        self.findings.iter().copied().find(|f| pred(f))
    }
    fn rule(&self, id: RuleId, min: Severity) -> Option<&'a Finding> {
        self.find(|f| f.rule == id && f.severity >= min)
    }
    fn early(&self, id: RuleId, min: Severity) -> Option<&'a Finding> {
        self.find(|f| f.rule == id && f.severity >= min && is_early(f))
    }
    fn behaviour(&self, b: Behaviour) -> Option<&'a Finding> {
        self.find(|f| f.behaviour == b)
    }
    /// Host data of any kind: a fingerprint, the environment, a credential path.
    fn host_data(&self, min: Severity) -> Option<&'a Finding> {
        self.rule(RuleId::Stl001, min)
            .or_else(|| self.rule(RuleId::Stl002, min.max(Severity::Info)))
            .or_else(|| self.rule(RuleId::Stl003, min))
    }
    /// A store no honest package both reads and sends from: browser profiles, Discord
    /// tokens, wallets.
    fn sensitive_store(&self) -> Option<&'a Finding> {
        self.rule(RuleId::Stl004, Severity::High)
            .or_else(|| self.rule(RuleId::Stl005, Severity::High))
            .or_else(|| self.rule(RuleId::Stl006, Severity::High))
    }
    fn code_run_from_strings(&self) -> Option<&'a Finding> {
        self.rule(RuleId::Exe003, Severity::Info)
            .or_else(|| self.rule(RuleId::Exe001, Severity::Info))
    }
}

/// Every part present: the findings that make a combination hold.
fn all<'a, const N: usize>(parts: [Option<&'a Finding>; N]) -> Option<Vec<&'a Finding>> {
    parts.into_iter().collect()
}

/// What a combination decides when it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decides {
    Malicious,
    /// Capabilities that sit together with nothing flowing between them: worth a look,
    /// never malicious on their own.
    Suspicious,
}

macro_rules! combinations {
    ($($variant:ident $name:literal $decides:ident $explain:literal),* $(,)?) => {
        /// A named combination of evidence that decides a verdict.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Combination { $($variant),* }

        impl Combination {
            /// Every combination, in the order they are tried.
            pub const ALL: &'static [Combination] = &[$(Combination::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Combination::$variant => $name),* }
            }
            /// What holding it means, in words.
            pub fn explain(self) -> &'static str {
                match self { $(Combination::$variant => $explain),* }
            }
            pub fn decides(self) -> Decides {
                match self { $(Combination::$variant => Decides::$decides),* }
            }
        }
    };
}

combinations! {
    CriticalSignature "critical-signature" Malicious
        "a signature behaviour (a reverse shell, a clipboard wallet swap)",
    SecretSent "secret-sent" Malicious
        "secrets flow to a destination the package chose",
    HostDataSent "host-data-sent" Malicious
        "host data flows out at install/import time or to a drop point",
    DataInDnsName "data-in-dns-name" Malicious "host data sent out through a DNS name",
    DownloadedCodeRun "downloaded-code-run" Malicious
        "downloaded code flows into exec or a command",
    DecodedPayloadRun "decoded-payload-run" Malicious "decoded payload executed",
    DownloadAndRunCommand "download-and-run-command" Malicious "download-and-run command line",
    HiddenPayloadBehaviour "hidden-payload-behaviour" Malicious
        "hidden payload decodes to malicious behaviour",
    ObfuscatorRunsStrings "obfuscator-runs-strings" Malicious
        "obfuscator output runs strings as code",
    ObfuscatedRunsStrings "obfuscated-runs-strings" Malicious
        "obfuscated code runs strings as code",
    HiddenCodeRunsEarly "hidden-code-runs-early" Malicious
        "code hidden behind whitespace runs early",
    CopyWithBehaviour "copy-with-behaviour" Malicious
        "copy of a popular project with behaviour added",
    TyposquatRunsEarly "typosquat-runs-early" Malicious
        "typosquatting name with code run on install/import",
    SensitiveStoreSent "sensitive-store-sent" Malicious
        "browser, Discord or wallet data read where data is sent",
    BrowserAndDiscord "browser-and-discord" Malicious
        "browser secrets and Discord tokens taken together",
    EarlyDropper "early-dropper" Malicious
        "program downloaded, written and run at install/import",
    DropPointDownloadRun "drop-point-download-run" Malicious
        "download from a drop point saved and run",
    DropEndpointWithHostData "drop-endpoint-with-host-data" Malicious
        "data-drop endpoint with host data",
    DropEndpointEarly "drop-endpoint-early" Malicious
        "data-drop endpoint contacted at install/import time",
    EarlyHostDataAndNetwork "early-host-data-and-network" Malicious
        "host data and a network call at install/import time",
    DownloadedProgramRun "downloaded-program-run" Malicious "downloaded program saved and run",
    EarlyDownloadRun "early-download-run" Malicious "download saved and run early",
    TunnelWithHostData "tunnel-with-host-data" Suspicious
        "tunnel or paste endpoint with host data",
    HiddenProcessAtInstall "hidden-process-at-install" Malicious
        "hidden process started at install time",
    PersistenceWithCommand "persistence-with-command" Malicious
        "persistence with a command or download",
    ProfileRunsDownload "profile-runs-download" Malicious
        "a shell profile edited beside a line that downloads and runs",
}

impl Combination {
    /// The findings that make this combination hold in one place, if it does.
    fn holds<'a>(self, e: &Evidence<'a>) -> Option<Vec<&'a Finding>> {
        use Combination as C;
        use RuleId as R;
        use Severity::{High, Info, Low, Medium};
        match self {
            C::CriticalSignature => {
                all([e.find(|f| f.severity == Severity::Critical).or_else(|| {
                    e.find(|f| {
                        f.behaviour == Behaviour::ReverseShellLine
                            && (f.decoded_from.is_some() || f.trigger == Some(Trigger::Install))
                    })
                })])
            }
            C::SecretSent => all([e.rule(R::Stl010, High)]),
            C::HostDataSent => all([e.rule(R::Stl011, High)]),
            C::DataInDnsName => all([e.rule(R::Stl012, High)]),
            C::DownloadedCodeRun => all([e.rule(R::Exe004, High)]),
            C::DecodedPayloadRun => all([e.rule(R::Exe001, High)]),
            // A command call runs the line; a line only written down (install advice, a
            // scanner's pattern, a prompt) counts where it is hidden, or early beside an
            // early command.
            C::DownloadAndRunCommand => {
                let line = |f: &Finding| {
                    f.behaviour == Behaviour::DownloadAndRunLine && f.severity >= High
                };
                let run =
                    e.find(|f| f.behaviour == Behaviour::DownloadAndRun && f.severity >= High);
                let hidden = e.find(|f| line(f) && f.decoded_from.is_some());
                // setup.py's lines are there to be run by the install; a module's constants
                // (a scanner's patterns) are only data unless the module also runs commands.
                let install_line = e.find(|f| line(f) && f.trigger == Some(Trigger::Install));
                let early_line = e.find(|f| line(f) && is_early(f));
                run.or(hidden)
                    .or(install_line)
                    .map(|f| vec![f])
                    .or_else(|| all([early_line, e.early(R::Cmd001, Low)]))
            }
            C::HiddenPayloadBehaviour => all([
                e.rule(R::Tec010, Info),
                e.find(|f| {
                    f.decoded_from.is_some() && f.category.is_behaviour() && f.severity >= Medium
                }),
            ]),
            C::ObfuscatorRunsStrings => all([
                e.rule(R::Tec003, Medium).or(e.rule(R::Tec002, High)),
                e.code_run_from_strings(),
            ]),
            C::ObfuscatedRunsStrings => all([e.rule(R::Tec004, Medium), e.code_run_from_strings()]),
            C::HiddenCodeRunsEarly => all([
                e.rule(R::Tec002, High),
                e.find(|f| {
                    f.category.is_behaviour()
                        && f.severity >= Low
                        && f.trigger != Some(Trigger::Runtime)
                }),
            ]),
            C::CopyWithBehaviour => all([
                e.rule(R::Tec012, High),
                e.find(|f| f.category.is_behaviour() && f.severity >= Medium),
            ]),
            // A squatting name is the delivery; code that runs on install or import is the
            // payload.
            C::TyposquatRunsEarly => all([
                e.rule(R::Pkg004, High),
                e.find(|f| f.category.is_behaviour() && f.severity >= Medium && is_early(f)),
            ]),
            // Browser, Discord and wallet stores have no honest readers that also send; a
            // credential path next to a send (a git client) needs a flow (SecretSent).
            C::SensitiveStoreSent => all([
                e.sensitive_store(),
                e.rule(R::Stl008, Info)
                    .or_else(|| e.rule(R::Stl007, Medium)),
            ]),
            C::BrowserAndDiscord => all([e.rule(R::Stl004, High), e.rule(R::Stl005, High)]),
            // Fetched, written out as a program and started, all before anyone calls the
            // package: a dropper, whoever the server is.
            C::EarlyDropper => all([
                e.early(R::Stl008, Low),
                e.early(R::Fil001, Medium),
                e.early(R::Cmd001, Low),
            ]),
            // A tunnel's own client (pyngrok) downloads and runs a binary honestly; a program
            // fetched from a paste, a file drop or a bare IP address and run is a dropper.
            C::DropPointDownloadRun => all([
                e.behaviour(Behaviour::SaveDownload),
                e.rule(R::Cmd001, Info),
                e.find(|f| {
                    f.rule == R::Stl007
                        && f.severity >= Medium
                        && f.behaviour != Behaviour::TunnelEndpoint
                }),
            ]),
            // Next to a drop endpoint (a webhook, a request catcher) any host data is telling.
            C::DropEndpointWithHostData => all([
                e.rule(R::Stl007, High),
                e.host_data(Info).or_else(|| e.sensitive_store()),
            ]),
            C::DropEndpointEarly => all([e.rule(R::Stl007, High), e.early(R::Stl008, Low)]),
            C::EarlyHostDataAndNetwork => all([
                e.early(R::Stl008, Low),
                e.host_data(Medium).or(e.rule(R::Stl001, Low)),
            ]),
            C::DownloadedProgramRun => all([
                e.rule(R::Fil001, High),
                e.behaviour(Behaviour::DropExecutable),
                e.rule(R::Cmd001, Info),
            ]),
            // Tools download and run helpers at run time (an embedded server, a build tool);
            // at install or import time it is a dropper.
            C::EarlyDownloadRun => all([
                e.rule(R::Fil001, High),
                e.rule(R::Cmd001, Info),
                e.find(|f| {
                    (f.rule == R::Cmd001 || f.behaviour == Behaviour::SaveDownload) && is_early(f)
                }),
            ]),
            // Tunnels and paste sites have honest users (pyngrok): with them, only host data
            // that is itself telling counts.
            C::TunnelWithHostData => all([
                e.rule(R::Stl007, Medium),
                e.host_data(Medium)
                    .or(e.rule(R::Stl001, Low))
                    .or_else(|| e.sensitive_store()),
            ]),
            C::HiddenProcessAtInstall => all([e.early(R::Cmd003, Medium), e.early(R::Cmd001, Low)]),
            C::PersistenceWithCommand => all([
                e.rule(R::Fil002, High),
                e.rule(R::Cmd001, Info).or(e.rule(R::Fil001, Medium)),
            ]),
            // Even an edit a command makes when asked: what the profile is given to run
            // every time is a download.
            C::ProfileRunsDownload => all([
                e.find(|f| f.behaviour == Behaviour::ShellProfile && f.severity >= Medium),
                e.find(|f| {
                    matches!(
                        f.behaviour,
                        Behaviour::DownloadAndRun | Behaviour::DownloadAndRunLine
                    ) && f.severity >= High
                }),
            ]),
        }
    }
}

/// A combination that held, and the findings it rests on.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub combination: Combination,
    /// Where each finding it rests on sits (`STL010 at p/core.py:12`).
    pub cites: Vec<String>,
}

impl Decision {
    pub fn describe(&self) -> String {
        format!("{}: {}", self.combination.explain(), self.cites.join(" + "))
    }
}

impl Serialize for Combination {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn cite(f: &Finding) -> String {
    let decoded = if f.decoded_from.is_some() {
        " in a decoded payload"
    } else {
        ""
    };
    if f.line > 0 {
        format!("{} at {}:{}{decoded}", f.rule, f.path, f.line)
    } else {
        format!("{} ({})", f.rule, f.message)
    }
}

/// The combinations that hold in one place.
fn combinations(e: &Evidence) -> Vec<Decision> {
    Combination::ALL
        .iter()
        .filter_map(|&combination| {
            let parts = combination.holds(e)?;
            Some(Decision {
                combination,
                cites: parts.into_iter().map(cite).collect(),
            })
        })
        .collect()
}

/// The places where evidence is weighed together: each file, and all that runs at install
/// time; findings about the package as a whole (no file: its name, its version, its
/// dependencies, a copied project) join every place.
/// A URL in a test and a `getpass` call in an unrelated module show no intent together, and
/// a large project must not look worse for holding many unrelated capabilities.
struct Place<'a> {
    /// Tests, docs and examples: they never run on install or import.
    auxiliary: bool,
    findings: Vec<&'a Finding>,
}

fn places(findings: &[Finding]) -> Vec<Place<'_>> {
    let whole: Vec<&Finding> = findings.iter().filter(|f| f.path.is_empty()).collect();
    let mut by_file: BTreeMap<&str, Place> = BTreeMap::new();
    for f in findings.iter().filter(|f| !f.path.is_empty()) {
        by_file
            .entry(f.path.as_str())
            .or_insert_with(|| Place {
                auxiliary: f.auxiliary,
                findings: Vec::new(),
            })
            .findings
            .push(f);
    }
    let install: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.trigger == Some(Trigger::Install) || f.path.is_empty())
        .collect();
    let mut out: Vec<Place> = by_file.into_values().collect();
    for place in &mut out {
        place.findings.extend(&whole);
    }
    out.push(Place {
        auxiliary: false,
        findings: install,
    });
    out
}

/// Combinations, found within one place (never in tests, docs or examples).
fn grouped_combinations(places: &[Place<'_>]) -> Vec<Decision> {
    let mut decisions: Vec<Decision> = Vec::new();
    for place in places.iter().filter(|p| !p.auxiliary) {
        for d in combinations(&Evidence {
            findings: &place.findings,
        }) {
            if !decisions
                .iter()
                .any(|k| k.combination == d.combination && k.cites == d.cites)
            {
                decisions.push(d);
            }
        }
    }
    decisions
}

/// Weight of evidence of one place: each rule counts once, at its strongest, and rules
/// combine as independent evidence (noisy-or). Returns the score and the rules counted.
fn weigh(findings: &[&Finding]) -> (f64, usize) {
    let mut strongest: BTreeMap<RuleId, f64> = BTreeMap::new();
    for f in findings {
        // Tests, docs and examples hold attack code on purpose (security tests, payload
        // samples): they count, but far less than code that ships to run.
        let place = if f.auxiliary { 0.25 } else { 1.0 };
        let w = f.severity.weight() * f.confidence * trigger_factor(f.trigger) * place;
        let e = strongest.entry(f.rule).or_insert(0.0);
        *e = e.max(w);
    }
    let score = 1.0 - strongest.values().fold(1.0, |acc, w| acc * (1.0 - w));
    (score, strongest.len())
}

pub fn decide(findings: &[Finding]) -> Verdict {
    let places = places(findings);
    // The package weighs as much as its most telling place.
    let (score, rules) = places
        .iter()
        .map(|p| weigh(&p.findings))
        .fold((0.0, 0), |best, w| if w.0 > best.0 { w } else { best });
    let decisions = grouped_combinations(&places);
    let decides = |d: Decides| decisions.iter().any(|k| k.combination.decides() == d);
    // Only a named combination makes a package malicious: the weight of evidence adds up
    // capabilities that sit together, which honest tools (a security scanner's payload
    // lists) also do, so alone it asks for a look and no more.
    let verdict = if decides(Decides::Malicious) {
        VerdictKind::Malicious
    } else if decides(Decides::Suspicious) || score >= SUSPICIOUS_SCORE {
        VerdictKind::Suspicious
    } else {
        VerdictKind::Clean
    };
    // The decisive combinations first.
    let mut decisions = decisions;
    decisions.sort_by_key(|d| d.combination.decides() != Decides::Malicious);
    let mut reasons: Vec<String> = decisions.iter().map(Decision::describe).collect();
    if reasons.is_empty() && verdict != VerdictKind::Clean {
        reasons.push(format!(
            "weight of evidence {score:.2} from {rules} rules in one place"
        ));
    }
    // A combination is certain; reflect it in the score.
    let score = if verdict == VerdictKind::Malicious {
        score.max(0.9)
    } else {
        score
    };

    let floor = if verdict == VerdictKind::Clean {
        Severity::Medium
    } else {
        Severity::Low
    };
    let mut categories: Vec<Category> = findings
        .iter()
        .filter(|f| f.category.is_behaviour() && f.severity >= floor)
        .map(|f| f.category)
        .collect();
    categories.sort();
    categories.dedup();
    let mut triggers: Vec<Trigger> = findings
        .iter()
        .filter(|f| f.category.is_behaviour() && f.severity >= floor)
        .filter_map(|f| f.trigger)
        .collect();
    triggers.sort();
    triggers.dedup();
    let mut techniques: Vec<String> = findings
        .iter()
        .filter(|f| f.category == Category::AntiDetection)
        .map(|f| f.behaviour.name().to_string())
        .collect();
    techniques.sort();
    techniques.dedup();
    Verdict {
        verdict,
        score: (score * 1000.0).round() / 1000.0,
        categories,
        triggers,
        techniques,
        combinations: decisions.iter().fold(Vec::new(), |mut held, d| {
            if !held.contains(&d.combination) {
                held.push(d.combination);
            }
            held
        }),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Behaviour as B;
    use RuleId as R;
    use Severity::{Critical, High, Info, Low, Medium};
    use Trigger::{Import, Install, Runtime};

    fn finding(rule: RuleId, behaviour: Behaviour, path: &str) -> Finding {
        Finding {
            rule,
            category: behaviour.category(),
            behaviour,
            severity: Severity::Medium,
            confidence: 0.9,
            path: path.into(),
            line: 1,
            column: 1,
            snippet: String::new(),
            message: String::new(),
            trigger: Some(Trigger::Runtime),
            auxiliary: false,
            decoded_from: None,
            reached_by: Vec::new(),
            flow: Vec::new(),
            scope: None,
            target_path: None,
        }
    }

    /// A finding of `rule` in `p/core.py` (package-level rules: no file).
    fn x(rule: RuleId, behaviour: Behaviour, severity: Severity, trigger: Trigger) -> Finding {
        let package_level =
            behaviour.category() == Category::Package || behaviour == B::BehaviourOverlap;
        let mut f = finding(
            rule,
            behaviour,
            if package_level { "" } else { "p/core.py" },
        );
        f.severity = severity;
        f.trigger = (!package_level).then_some(trigger);
        f
    }

    fn decoded(mut f: Finding) -> Finding {
        f.decoded_from = Some("p/core.py:3 → base64.b64decode → <payload>".into());
        f
    }

    /// For each combination: evidence that makes it hold, and the nearest evidence that
    /// must not (the honest package it is built to tell apart).
    fn cases(c: Combination) -> (Vec<Finding>, Vec<Finding>) {
        use Combination as C;
        match c {
            C::CriticalSignature => (
                vec![x(R::Rc001, B::ReverseShell, Critical, Runtime)],
                vec![x(R::Rc001, B::ReverseShell, High, Runtime)],
            ),
            // A git client: a credential path and a send, nothing flowing between them.
            C::SecretSent => (
                vec![x(R::Stl010, B::SecretSent, High, Runtime)],
                vec![
                    x(R::Stl003, B::CredentialFiles, Medium, Runtime),
                    x(R::Stl008, B::SendData, Low, Runtime),
                ],
            ),
            C::HostDataSent => (
                vec![x(R::Stl011, B::HostDataSent, High, Runtime)],
                vec![
                    x(R::Stl001, B::HostFingerprint, Low, Runtime),
                    x(R::Stl008, B::SendData, Low, Runtime),
                ],
            ),
            C::DataInDnsName => (
                vec![x(R::Stl012, B::DnsExfiltration, High, Runtime)],
                vec![x(R::Stl001, B::HostFingerprint, Low, Runtime)],
            ),
            C::DownloadedCodeRun => (
                vec![x(R::Exe004, B::DownloadedCodeRun, High, Runtime)],
                vec![
                    x(R::Stl008, B::SendData, Low, Runtime),
                    x(R::Exe003, B::DynamicExec, Low, Runtime),
                ],
            ),
            C::DecodedPayloadRun => (
                vec![x(R::Exe001, B::ExecDecoded, High, Runtime)],
                vec![x(R::Tec010, B::DecodedPayload, Info, Runtime)],
            ),
            // Install advice that quotes `curl … | sh` in a help text.
            // Install advice printed at run time, beside an unrelated command.
            C::DownloadAndRunCommand => (
                vec![x(R::Cmd002, B::DownloadAndRun, High, Runtime)],
                vec![
                    x(R::Cmd002, B::DownloadAndRunLine, High, Runtime),
                    x(R::Cmd001, B::Shell, Low, Runtime),
                ],
            ),
            C::HiddenPayloadBehaviour => (
                vec![
                    x(R::Tec010, B::DecodedPayload, Info, Runtime),
                    decoded(x(R::Stl001, B::HostFingerprint, Medium, Runtime)),
                ],
                vec![
                    x(R::Tec010, B::DecodedPayload, Info, Runtime),
                    x(R::Stl001, B::HostFingerprint, Medium, Runtime),
                ],
            ),
            C::ObfuscatorRunsStrings => (
                vec![
                    x(R::Tec003, B::Obfuscator, Medium, Runtime),
                    x(R::Exe003, B::DynamicExec, Info, Runtime),
                ],
                vec![x(R::Tec003, B::Obfuscator, Medium, Runtime)],
            ),
            C::ObfuscatedRunsStrings => (
                vec![
                    x(R::Tec004, B::ObfuscatedText, Medium, Runtime),
                    x(R::Exe003, B::DynamicExec, Info, Runtime),
                ],
                vec![x(R::Tec004, B::ObfuscatedText, Medium, Runtime)],
            ),
            C::HiddenCodeRunsEarly => (
                vec![
                    x(R::Tec002, B::HiddenWhitespace, High, Runtime),
                    x(R::Cmd001, B::Shell, Low, Install),
                ],
                vec![
                    x(R::Tec002, B::HiddenWhitespace, High, Runtime),
                    x(R::Cmd001, B::Shell, Low, Runtime),
                ],
            ),
            C::CopyWithBehaviour => (
                vec![
                    x(R::Tec012, B::BehaviourOverlap, High, Runtime),
                    x(R::Stl001, B::HostFingerprint, Medium, Runtime),
                ],
                vec![
                    x(R::Tec012, B::BehaviourOverlap, High, Runtime),
                    x(R::Stl001, B::HostFingerprint, Low, Runtime),
                ],
            ),
            C::TyposquatRunsEarly => (
                vec![
                    x(R::Pkg004, B::Typosquat, High, Runtime),
                    x(R::Cmd001, B::Shell, Medium, Install),
                ],
                vec![
                    x(R::Pkg004, B::Typosquat, High, Runtime),
                    x(R::Cmd001, B::Shell, Medium, Runtime),
                ],
            ),
            C::SensitiveStoreSent => (
                vec![
                    x(R::Stl004, B::BrowserCredentials, High, Runtime),
                    x(R::Stl008, B::SendData, Low, Runtime),
                ],
                vec![
                    x(R::Stl003, B::CredentialFiles, High, Runtime),
                    x(R::Stl008, B::SendData, Low, Runtime),
                ],
            ),
            C::BrowserAndDiscord => (
                vec![
                    x(R::Stl004, B::BrowserCredentials, High, Runtime),
                    x(R::Stl005, B::DiscordToken, High, Runtime),
                ],
                vec![
                    x(R::Stl004, B::BrowserCredentials, High, Runtime),
                    x(R::Stl005, B::DiscordToken, Medium, Runtime),
                ],
            ),
            // A tool's "download this helper" command runs when asked.
            C::EarlyDropper => {
                let at = |t| {
                    vec![
                        x(R::Stl008, B::SendData, Low, t),
                        x(R::Fil001, B::DropExecutable, Medium, t),
                        x(R::Cmd001, B::Shell, Low, t),
                    ]
                };
                (at(Import), at(Runtime))
            }
            // pyngrok downloads its tunnel's client and runs it.
            C::DropPointDownloadRun => {
                let with = |endpoint| {
                    vec![
                        x(R::Fil001, B::SaveDownload, Medium, Runtime),
                        x(R::Cmd001, B::Shell, Info, Runtime),
                        x(R::Stl007, endpoint, Medium, Runtime),
                    ]
                };
                (with(B::FileDropEndpoint), with(B::TunnelEndpoint))
            }
            C::DropEndpointWithHostData => (
                vec![
                    x(R::Stl007, B::DropEndpoint, High, Runtime),
                    x(R::Stl001, B::HostFingerprint, Info, Runtime),
                ],
                vec![
                    x(R::Stl007, B::TunnelEndpoint, Medium, Runtime),
                    x(R::Stl001, B::HostFingerprint, Info, Runtime),
                ],
            ),
            C::DropEndpointEarly => (
                vec![
                    x(R::Stl007, B::DropEndpoint, High, Runtime),
                    x(R::Stl008, B::SendData, Low, Install),
                ],
                vec![
                    x(R::Stl007, B::DropEndpoint, High, Runtime),
                    x(R::Stl008, B::SendData, Low, Runtime),
                ],
            ),
            C::EarlyHostDataAndNetwork => (
                vec![
                    x(R::Stl008, B::SendData, Low, Install),
                    x(R::Stl001, B::HostFingerprint, Low, Install),
                ],
                vec![
                    x(R::Stl008, B::SendData, Low, Runtime),
                    x(R::Stl001, B::HostFingerprint, Low, Runtime),
                ],
            ),
            C::DownloadedProgramRun => (
                vec![
                    x(R::Fil001, B::DropExecutable, High, Runtime),
                    x(R::Cmd001, B::Shell, Info, Runtime),
                ],
                vec![
                    x(R::Fil001, B::DropExecutable, Medium, Runtime),
                    x(R::Cmd001, B::Shell, Info, Runtime),
                ],
            ),
            C::EarlyDownloadRun => {
                let at = |t| {
                    vec![
                        x(R::Fil001, B::SaveDownload, High, t),
                        x(R::Cmd001, B::Shell, Info, t),
                    ]
                };
                (at(Install), at(Runtime))
            }
            C::TunnelWithHostData => (
                vec![
                    x(R::Stl007, B::TunnelEndpoint, Medium, Runtime),
                    x(R::Stl002, B::Environment, Medium, Runtime),
                ],
                vec![
                    x(R::Stl007, B::TunnelEndpoint, Medium, Runtime),
                    x(R::Stl001, B::HostFingerprint, Info, Runtime),
                ],
            ),
            C::HiddenProcessAtInstall => {
                let at = |t| {
                    vec![
                        x(R::Cmd003, B::HiddenWindow, Medium, t),
                        x(R::Cmd001, B::Shell, Low, t),
                    ]
                };
                (at(Install), at(Runtime))
            }
            C::PersistenceWithCommand => (
                vec![
                    x(R::Fil002, B::Persistence, High, Runtime),
                    x(R::Cmd001, B::Shell, Info, Runtime),
                ],
                vec![
                    x(R::Fil002, B::Persistence, Medium, Runtime),
                    x(R::Cmd001, B::Shell, Info, Runtime),
                ],
            ),
            C::ProfileRunsDownload => (
                vec![
                    x(R::Fil002, B::ShellProfile, Medium, Runtime),
                    x(R::Cmd002, B::DownloadAndRunLine, High, Runtime),
                ],
                vec![
                    x(R::Fil002, B::ShellProfile, Medium, Runtime),
                    x(R::Cmd001, B::Shell, Low, Runtime),
                ],
            ),
        }
    }

    /// Every named combination holds on its positive case and decides what it says, and
    /// does not hold on its near miss.
    #[test]
    fn every_combination_holds_on_its_case_and_not_on_its_near_miss() {
        let mut failures = Vec::new();
        for &c in Combination::ALL {
            let (positive, near_miss) = cases(c);
            let v = decide(&positive);
            if !v.combinations.contains(&c) {
                failures.push(format!(
                    "{}: positive case does not hold ({v:?})",
                    c.as_str()
                ));
            }
            let expected = match c.decides() {
                Decides::Malicious => VerdictKind::Malicious,
                Decides::Suspicious => VerdictKind::Suspicious,
            };
            if c.decides() == Decides::Suspicious && v.verdict == VerdictKind::Malicious {
                failures.push(format!(
                    "{}: co-occurrence alone made malicious",
                    c.as_str()
                ));
            } else if v.verdict < expected {
                failures.push(format!(
                    "{}: positive case gave {:?}",
                    c.as_str(),
                    v.verdict
                ));
            }
            let near = decide(&near_miss);
            if near.combinations.contains(&c) {
                failures.push(format!("{}: near miss holds ({near:?})", c.as_str()));
            }
            if near.verdict == VerdictKind::Malicious {
                failures.push(format!("{}: near miss is malicious ({near:?})", c.as_str()));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// The combination's explanation and the findings it rests on are the verdict's reason.
    #[test]
    fn a_reason_names_its_combination_and_cites_its_findings() {
        let v = decide(&cases(Combination::SecretSent).0);
        assert_eq!(v.combinations, vec![Combination::SecretSent]);
        assert_eq!(
            v.reasons,
            vec!["secrets flow to a destination the package chose: STL010 at p/core.py:1"]
        );
    }

    /// A security scanner's payload lists: many strong capabilities in one file, nothing
    /// run, nothing flowing. The weight is high; without a combination it stays a look.
    #[test]
    fn weight_of_evidence_alone_is_at_most_suspicious() {
        use Severity::{High, Medium};
        use Trigger::Import;
        let findings = vec![
            x(RuleId::Rc001, Behaviour::ReverseShellLine, High, Import),
            x(RuleId::Fil002, Behaviour::Persistence, High, Import),
            x(RuleId::Fil003, Behaviour::Destroy, High, Import),
            x(RuleId::Stl003, Behaviour::CredentialFiles, Medium, Import),
            x(RuleId::Stl007, Behaviour::IpAddressUrl, Medium, Import),
        ];
        let v = decide(&findings);
        assert!(v.score >= 0.9, "the case should weigh heavily: {}", v.score);
        assert_eq!(v.verdict, VerdictKind::Suspicious, "{v:?}");
    }

    /// Tests, docs and examples hold attack code on purpose: no combination holds there.
    #[test]
    fn no_combination_holds_in_a_test_file() {
        let mut f = x(R::Stl010, B::SecretSent, High, Runtime);
        f.auxiliary = true;
        f.path = "tests/test_core.py".into();
        assert!(decide(&[f]).combinations.is_empty());
    }

    /// The same capabilities weigh more together in one file than spread over a project.
    #[test]
    fn evidence_is_weighed_per_place() {
        let rules = [
            (R::Stl002, B::Environment),
            (R::Stl003, B::CredentialFiles),
            (R::Fil002, B::Persistence),
            (R::Cmd001, B::Shell),
        ];
        let together: Vec<Finding> = rules
            .iter()
            .map(|(r, b)| finding(*r, *b, "p/a.py"))
            .collect();
        let spread: Vec<Finding> = rules
            .iter()
            .enumerate()
            .map(|(i, (r, b))| finding(*r, *b, &format!("p/m{i}.py")))
            .collect();
        let (one, many) = (decide(&together), decide(&spread));
        assert!(one.score > many.score, "{} vs {}", one.score, many.score);
        assert_eq!(many.verdict, VerdictKind::Clean);
        assert_ne!(one.verdict, VerdictKind::Clean);
    }
}
