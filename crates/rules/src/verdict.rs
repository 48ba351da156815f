//! The verdict: one place that weighs findings into a score and names the combination that
//! decided it. A capability alone (HTTP calls, running git) is not malicious; intent shows in
//! combinations (install time + network + host data, decode + exec, download + run,
//! sensitive read + send) or in a signature behaviour (a reverse shell).

use std::collections::BTreeMap;

use malpi_python::Trigger;
use serde::Serialize;

use crate::model::{Category, Finding, Severity};

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
    /// Why: the combination or signature that decided, in words.
    pub reasons: Vec<String>,
}

/// Score at or above which the weight of evidence alone is malicious.
const MALICIOUS_SCORE: f64 = 0.93;
const SUSPICIOUS_SCORE: f64 = 0.45;

fn trigger_factor(t: Option<Trigger>) -> f64 {
    match t {
        Some(Trigger::Install) | None => 1.0,
        Some(Trigger::Import) => 0.9,
        Some(Trigger::Runtime) => 0.6,
    }
}

struct Evidence<'a> {
    findings: &'a [&'a Finding],
}

impl<'a> Evidence<'a> {
    fn find(&self, pred: impl Fn(&Finding) -> bool) -> Option<&'a Finding> {
        self.findings.iter().copied().find(|f| pred(f))
    }
    fn rule(&self, id: &str, min: Severity) -> Option<&'a Finding> {
        self.find(|f| f.rule == id && f.severity >= min)
    }
    fn early(&self, id: &str, min: Severity) -> Option<&'a Finding> {
        self.find(|f| {
            f.rule == id
                && f.severity >= min
                && matches!(f.trigger, Some(Trigger::Install | Trigger::Import))
        })
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

/// The combinations that show intent. Each returns its explanation when it holds.
fn combinations(e: &Evidence) -> Vec<String> {
    let mut out = Vec::new();
    let mut hold = |what: &str, parts: &[Option<&Finding>]| {
        if parts.iter().all(Option::is_some) {
            let cites: Vec<String> = parts.iter().flatten().map(|f| cite(f)).collect();
            out.push(format!("{what}: {}", cites.join(" + ")));
        }
    };
    if let Some(f) = e.find(|f| f.severity == Severity::Critical) {
        hold(
            &format!("signature behaviour ({})", f.behaviour),
            &[Some(f)],
        );
    }
    // Flows: what data reaches which sink, and who chose where it goes.
    hold(
        "secrets flow to a destination the package chose",
        &[e.rule("STL010", Severity::High)],
    );
    hold(
        "host data flows out at install/import time or to a drop point",
        &[e.rule("STL011", Severity::High)],
    );
    hold(
        "host data sent out through a DNS name",
        &[e.rule("STL012", Severity::High)],
    );
    hold(
        "downloaded code flows into exec or a command",
        &[e.rule("EXE004", Severity::High)],
    );
    let early_network = e.early("STL008", Severity::Low);
    let host_data = e
        .rule("STL001", Severity::Low)
        .or_else(|| e.rule("STL002", Severity::Medium))
        .or_else(|| e.rule("STL003", Severity::Medium));
    hold(
        "host data sent out at install/import time",
        &[early_network, host_data],
    );
    hold(
        "decoded payload executed",
        &[e.rule("EXE001", Severity::High)],
    );
    // Early, or in a file that runs commands: a help text that quotes `curl … | sh` at run
    // time is not a dropper.
    hold(
        "download-and-run command line",
        &[
            e.rule("CMD002", Severity::High),
            e.early("CMD002", Severity::High)
                .or(e.rule("CMD001", Severity::Info)),
        ],
    );
    let runs = e.rule("CMD001", Severity::Info);
    hold(
        "downloaded program saved and run",
        &[
            e.rule("FIL001", Severity::High),
            e.find(|f| f.behaviour.ends_with("/drop-executable")),
            runs,
        ],
    );
    // Tools download and run helpers at run time (an embedded server, a build tool); at
    // install or import time it is a dropper.
    hold(
        "download saved and run early",
        &[
            e.rule("FIL001", Severity::High),
            runs,
            e.find(|f| {
                (f.rule == "CMD001" || f.behaviour.ends_with("/save-download"))
                    && matches!(f.trigger, Some(Trigger::Install | Trigger::Import))
            }),
        ],
    );
    let sensitive = e
        .rule("STL003", Severity::Medium)
        .or_else(|| e.rule("STL004", Severity::High))
        .or_else(|| e.rule("STL005", Severity::High))
        .or_else(|| e.rule("STL006", Severity::High));
    let sends = e
        .rule("STL008", Severity::Info)
        .or_else(|| e.rule("STL007", Severity::Medium));
    // A credential path and a send in one file, with no flow between them (a git client
    // naming `~/.git-credentials` and talking to the user's remote): only with a flow
    // (STL010) is that exfiltration; browser, Discord and wallet stores have no honest
    // readers that also send, so they still decide on their own.
    hold(
        "sensitive data read and sent",
        &[
            e.rule("STL004", Severity::High)
                .or_else(|| e.rule("STL005", Severity::High))
                .or_else(|| e.rule("STL006", Severity::High)),
            sends,
        ],
    );
    let drop_point = e.rule("STL007", Severity::High);
    // A tunnel's own client (pyngrok) downloads and runs a binary honestly; a program fetched
    // from a paste, a file drop or a bare IP address and run is a dropper.
    hold(
        "download from a drop point saved and run",
        &[
            e.find(|f| f.behaviour.ends_with("/save-download")),
            runs,
            e.find(|f| {
                f.rule == "STL007"
                    && f.severity >= Severity::Medium
                    && !f.message.contains("tunnel endpoint")
            }),
        ],
    );
    // Next to a drop endpoint (a webhook, a request catcher, a tunnel) any host data is telling,
    // at any trigger.
    let any_host_data = e
        .rule("STL001", Severity::Info)
        .or_else(|| e.rule("STL002", Severity::Info))
        .or_else(|| e.rule("STL003", Severity::Info));
    hold(
        "data-drop endpoint with host data",
        &[drop_point, any_host_data.or(sensitive)],
    );
    // Tunnels and paste sites have honest users (pyngrok): with them, only host data that is
    // itself telling (an early fingerprint, the environment, credentials) counts.
    hold(
        "tunnel or paste endpoint with host data",
        &[e.rule("STL007", Severity::Medium), host_data.or(sensitive)],
    );
    hold(
        "data-drop endpoint contacted at install/import time",
        &[drop_point, early_network],
    );
    hold(
        "browser secrets and Discord tokens taken together",
        &[
            e.rule("STL004", Severity::High),
            e.rule("STL005", Severity::High),
        ],
    );
    // Fetched, written out as a program and started, all before anyone calls the package:
    // a dropper, whoever the server is (a downloader that runs when asked is not this).
    hold(
        "program downloaded, written and run at install/import",
        &[
            e.early("STL008", Severity::Low),
            e.early("FIL001", Severity::Medium),
            e.early("CMD001", Severity::Low),
        ],
    );
    hold(
        "hidden process started at install time",
        &[
            e.early("CMD003", Severity::Medium),
            e.early("CMD001", Severity::Low),
        ],
    );
    hold(
        "persistence with a command or download",
        &[
            e.rule("FIL002", Severity::High),
            runs.or(e.rule("FIL001", Severity::Medium)),
        ],
    );
    // A squatting name is the delivery; code that runs on install or import is the payload.
    hold(
        "typosquatting name with code run on install/import",
        &[
            e.rule("PKG004", Severity::High),
            e.find(|f| {
                f.category.is_behaviour()
                    && f.severity >= Severity::Medium
                    && matches!(f.trigger, Some(Trigger::Install | Trigger::Import))
            }),
        ],
    );
    hold(
        "copy of a popular project with behaviour added",
        &[
            e.rule("TEC012", Severity::High),
            e.find(|f| f.category.is_behaviour() && f.severity >= Severity::Medium),
        ],
    );
    hold(
        "hidden payload decodes to malicious behaviour",
        &[
            e.rule("TEC010", Severity::Info),
            e.find(|f| {
                f.decoded_from.is_some()
                    && f.category.is_behaviour()
                    && f.severity >= Severity::Medium
            }),
        ],
    );
    hold(
        "obfuscator output runs strings as code",
        &[
            e.rule("TEC003", Severity::Medium)
                .or(e.rule("TEC002", Severity::High)),
            e.rule("EXE003", Severity::Info)
                .or(e.rule("EXE001", Severity::Info)),
        ],
    );
    hold(
        "obfuscated code runs strings as code",
        &[
            e.rule("TEC004", Severity::Medium),
            e.rule("EXE003", Severity::Info)
                .or(e.rule("EXE001", Severity::Info)),
        ],
    );
    hold(
        "code hidden behind whitespace runs early",
        &[
            e.rule("TEC002", Severity::High),
            e.find(|f| {
                f.category.is_behaviour()
                    && f.severity >= Severity::Low
                    && f.trigger != Some(Trigger::Runtime)
            }),
        ],
    );
    out
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
fn grouped_combinations(places: &[Place<'_>]) -> Vec<String> {
    let mut reasons: Vec<String> = Vec::new();
    for place in places.iter().filter(|p| !p.auxiliary) {
        for r in combinations(&Evidence {
            findings: &place.findings,
        }) {
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    }
    reasons
}

/// Weight of evidence of one place: each rule counts once, at its strongest, and rules
/// combine as independent evidence (noisy-or). Returns the score and the rules counted.
fn weigh(findings: &[&Finding]) -> (f64, usize) {
    let mut strongest: BTreeMap<&str, f64> = BTreeMap::new();
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
    let reasons = grouped_combinations(&places);
    let verdict = if !reasons.is_empty() || score >= MALICIOUS_SCORE {
        VerdictKind::Malicious
    } else if score >= SUSPICIOUS_SCORE {
        VerdictKind::Suspicious
    } else {
        VerdictKind::Clean
    };
    let mut reasons = reasons;
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
        .map(|f| f.behaviour.rsplit('/').next().unwrap_or("").to_string())
        .collect();
    techniques.sort();
    techniques.dedup();
    Verdict {
        verdict,
        score: (score * 1000.0).round() / 1000.0,
        categories,
        triggers,
        techniques,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &'static str, category: Category, path: &str) -> Finding {
        Finding {
            rule,
            category,
            behaviour: format!("{}/test", category.as_str()),
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
        }
    }

    fn early(mut f: Finding, severity: Severity, trigger: Trigger) -> Finding {
        f.severity = severity;
        f.trigger = Some(trigger);
        f
    }

    /// Download, write an executable and start a process, all at import time: a dropper.
    /// The same three at run time are a tool's "download this helper" command.
    #[test]
    fn a_program_downloaded_written_and_run_at_import_is_a_dropper() {
        let at = |t| {
            vec![
                early(
                    finding("STL008", Category::InformationStealing, "p/core.py"),
                    Severity::Low,
                    t,
                ),
                early(
                    finding("FIL001", Category::FileOperation, "p/core.py"),
                    Severity::Medium,
                    t,
                ),
                early(
                    finding("CMD001", Category::CommandExecution, "p/core.py"),
                    Severity::Low,
                    t,
                ),
            ]
        };
        let import = decide(&at(Trigger::Import));
        assert_eq!(import.verdict, VerdictKind::Malicious);
        assert!(import.reasons[0].starts_with("program downloaded, written and run"));
        let runtime = decide(&at(Trigger::Runtime));
        assert_ne!(runtime.verdict, VerdictKind::Malicious);
    }

    /// A credential path and a network send in one file are not exfiltration by being
    /// together (a git client); a flow from the one to the other is.
    #[test]
    fn a_credential_path_and_a_send_need_a_flow_between_them() {
        let mut path = finding("STL003", Category::InformationStealing, "p/git.py");
        path.severity = Severity::Medium;
        let send = finding("STL008", Category::InformationStealing, "p/git.py");
        let together = decide(&[path.clone(), send.clone()]);
        assert_ne!(together.verdict, VerdictKind::Malicious);
        let mut flow = finding("STL010", Category::InformationStealing, "p/git.py");
        flow.severity = Severity::High;
        let flowed = decide(&[path, send, flow]);
        assert_eq!(flowed.verdict, VerdictKind::Malicious);
        assert!(flowed.reasons[0].starts_with("secrets flow to a destination"));
    }

    /// The same capabilities weigh more together in one file than spread over a project.
    #[test]
    fn evidence_is_weighed_per_place() {
        let rules = [
            ("STL002", Category::InformationStealing),
            ("STL003", Category::InformationStealing),
            ("FIL002", Category::FileOperation),
            ("CMD001", Category::CommandExecution),
        ];
        let together: Vec<Finding> = rules
            .iter()
            .map(|(r, c)| finding(r, *c, "p/a.py"))
            .collect();
        let spread: Vec<Finding> = rules
            .iter()
            .enumerate()
            .map(|(i, (r, c))| finding(r, *c, &format!("p/m{i}.py")))
            .collect();
        let (one, many) = (decide(&together), decide(&spread));
        assert!(one.score > many.score, "{} vs {}", one.score, many.score);
        assert_eq!(many.verdict, VerdictKind::Clean);
        assert_ne!(one.verdict, VerdictKind::Clean);
    }
}
