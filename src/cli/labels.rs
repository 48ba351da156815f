//! `malpi eval --labels FILE`: hand-made judgments of what each malicious sample does
//! (`path<TAB>harmful|harmless<TAB>class<TAB>why`, paths relative to the `--malicious`
//! folder), so recall is reported on the samples that do harm and the share of harmless
//! ones (placeholders, proofs of concept, canaries) flagged is reported apart.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::Context;

/// One sample's label.
pub struct Label {
    pub harmful: bool,
    pub class: String,
}

/// Labels by path relative to the malicious folder.
pub fn load(path: &Path) -> anyhow::Result<HashMap<String, Label>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the labels {}", path.display()))?;
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(sample), Some(label), Some(class)) = (cols.next(), cols.next(), cols.next())
        else {
            anyhow::bail!(
                "{}:{}: want path, harmful|harmless, class and why, separated by tabs",
                path.display(),
                i + 1
            );
        };
        let harmful = match label {
            "harmful" => true,
            "harmless" => false,
            other => anyhow::bail!(
                "{}:{}: label `{other}` is neither harmful nor harmless",
                path.display(),
                i + 1
            ),
        };
        out.insert(
            sample.to_string(),
            Label {
                harmful,
                class: class.to_string(),
            },
        );
    }
    Ok(out)
}

/// Print recall on the harmful samples (misses by class) and the harmless ones flagged.
/// `seen` holds each scanned file's path and whether it was judged malicious.
pub fn print(root: &Path, seen: &[(String, bool)], labels: &HashMap<String, Label>) {
    let (mut harmful, mut caught, mut harmless, mut flagged, mut unlabelled) = (0, 0, 0, 0, 0);
    let mut missed: BTreeMap<&str, usize> = BTreeMap::new();
    for (file, malicious) in seen {
        // Reports name files as found (made absolute): the part after the folder given.
        let root = root.to_string_lossy();
        let root = root.trim_end_matches('/');
        let relative = file
            .rfind(root)
            .map_or(file.as_str(), |i| {
                file[i + root.len()..].trim_start_matches('/')
            })
            .replace('\\', "/");
        let Some(label) = labels.get(&relative) else {
            unlabelled += 1;
            continue;
        };
        if label.harmful {
            harmful += 1;
            if *malicious {
                caught += 1;
            } else {
                *missed.entry(label.class.as_str()).or_default() += 1;
            }
        } else {
            harmless += 1;
            flagged += usize::from(*malicious);
        }
    }
    println!(
        "\nlabelled: harmful {caught} of {harmful} judged malicious ({:.1}%); harmless flagged {flagged} of {harmless}; unlabelled {unlabelled}",
        super::eval::pct(caught, harmful)
    );
    if !missed.is_empty() {
        let parts: Vec<String> = missed.iter().map(|(c, n)| format!("{c} {n}")).collect();
        println!("  harmful missed by class: {}", parts.join(", "));
    }
}
