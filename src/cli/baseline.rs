//! `malpi eval --baseline FILE`: what changed since an earlier run (its `--jsonl` output):
//! packages whose verdict moved, and findings (same rule, file and line) whose trigger
//! moved — the before/after a change to the analysis is judged by.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::Context;
use malpi_scan::Report;

/// One package of a run, reduced to what is compared.
pub struct Seen {
    pub file: String,
    pub verdict: String,
    /// (rule, path, line) → trigger.
    pub triggers: HashMap<(String, String, u64), String>,
}

impl Seen {
    pub fn of(r: &Report) -> Seen {
        Seen {
            file: r.package.file.clone(),
            verdict: r.verdict.as_str().to_string(),
            triggers: r
                .findings
                .iter()
                .map(|f| {
                    let trigger = f.trigger.map_or("-", |t| t.as_str()).to_string();
                    (
                        (f.rule.to_string(), f.path.clone(), u64::from(f.line)),
                        trigger,
                    )
                })
                .collect(),
        }
    }
}

/// The packages of an earlier run's JSON lines, by file.
pub fn load(path: &Path) -> anyhow::Result<HashMap<String, Seen>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the baseline {}", path.display()))?;
    let mut out = HashMap::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a malpi JSON line", path.display(), i + 1))?;
        let file = v["package"]["file"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let verdict = v["verdict"].as_str().unwrap_or_default().to_string();
        let triggers = v["findings"]
            .as_array()
            .map(|fs| {
                fs.iter()
                    .map(|f| {
                        let key = (
                            f["rule"].as_str().unwrap_or_default().to_string(),
                            f["path"].as_str().unwrap_or_default().to_string(),
                            f["line"].as_u64().unwrap_or(0),
                        );
                        (key, f["trigger"].as_str().unwrap_or("-").to_string())
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.insert(
            file.clone(),
            Seen {
                file,
                verdict,
                triggers,
            },
        );
    }
    Ok(out)
}

/// Print the verdict and trigger moves of `now` against `before`.
pub fn print(name: &str, now: &[Seen], before: &HashMap<String, Seen>) {
    let mut verdicts: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut triggers: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut compared = 0;
    for seen in now {
        let Some(old) = before.get(&seen.file) else {
            continue;
        };
        compared += 1;
        if old.verdict != seen.verdict {
            *verdicts
                .entry((old.verdict.clone(), seen.verdict.clone()))
                .or_default() += 1;
        }
        for (key, trigger) in &seen.triggers {
            if let Some(was) = old.triggers.get(key) {
                if was != trigger {
                    *triggers.entry((was.clone(), trigger.clone())).or_default() += 1;
                }
            }
        }
    }
    println!("\n{name}: against the baseline ({compared} packages in both runs)");
    if verdicts.is_empty() {
        println!("  no verdict changed");
    }
    for ((was, is), n) in &verdicts {
        println!("  verdict {was:>10} -> {is:<10} {n:>6} packages");
    }
    let moved: usize = triggers.values().sum();
    println!("  findings whose trigger changed: {moved}");
    for ((was, is), n) in &triggers {
        println!("  trigger {was:>10} -> {is:<10} {n:>6} findings");
    }
}
