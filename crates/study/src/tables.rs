//! The report's tables as plain text cells, one definition for both renderers (each escapes
//! the cells its own way).

use crate::distribution::Distribution;
use crate::lifecycle::MirrorPersistence;
use crate::stats::{Overlap, Share};
use crate::svg::{percent, thousands};

pub struct Table {
    /// Column titles; `true` for numbers (right-aligned).
    pub columns: Vec<(&'static str, bool)>,
    pub rows: Vec<Vec<String>>,
}

/// Pairs of sources that share projects (pairs sharing none are left out), most first.
pub fn overlaps(overlaps: &[Overlap]) -> Table {
    let mut shared: Vec<&Overlap> = overlaps.iter().filter(|o| o.count > 0).collect();
    shared.sort_by(|a, b| b.count.cmp(&a.count));
    Table {
        columns: vec![
            ("source", false),
            ("source", false),
            ("projects reported by both", true),
        ],
        rows: shared
            .iter()
            .map(|o| vec![o.a.clone(), o.b.clone(), thousands(o.count)])
            .collect(),
    }
}

pub fn mirrors(mirrors: &[MirrorPersistence]) -> Table {
    Table {
        columns: vec![
            ("mirror", false),
            ("probed", true),
            ("still served", true),
            ("share", true),
            ("probes failed", true),
            ("oldest report still served", false),
            ("last probe", false),
        ],
        rows: mirrors
            .iter()
            .map(|m| {
                vec![
                    m.mirror.clone(),
                    thousands(m.probed),
                    thousands(m.served),
                    percent(m.share()),
                    thousands(m.errors),
                    m.oldest_served
                        .as_ref()
                        .map(|(name, t)| format!("{name} ({})", t.date()))
                        .unwrap_or_default(),
                    m.last_probe.map(|t| t.date()).unwrap_or_default(),
                ]
            })
            .collect(),
    }
}

/// Five-number summaries, one row per measure: `(name, distribution, decimals)`.
pub fn distributions(rows: &[(&str, &Distribution, usize)]) -> Table {
    let columns = ["measure", "n", "min", "Q1", "median", "Q3", "max", "mean"];
    Table {
        columns: columns.iter().map(|c| (*c, *c != "measure")).collect(),
        rows: rows
            .iter()
            .map(|(name, d, decimals)| {
                let f = |v: f64| number(v, *decimals);
                let mut row = vec![name.to_string()];
                match &d.summary {
                    None => row.extend(
                        ["0".to_string()]
                            .into_iter()
                            .chain(std::iter::repeat_n(String::new(), 6)),
                    ),
                    Some(s) => row.extend([
                        thousands(s.count),
                        f(s.min),
                        f(s.q1),
                        f(s.median),
                        f(s.q3),
                        f(s.max),
                        number(s.mean, decimals + 1),
                    ]),
                }
                row
            })
            .collect(),
    }
}

/// The multi-behaviour sentence, when anything was scanned.
pub fn multi_behaviour(m: &Share) -> Option<String> {
    (m.total > 0).then(|| {
        format!(
            "{} of the packages ({} of {}) show two or more behaviour categories.",
            percent(m.fraction()),
            thousands(m.count),
            thousands(m.total)
        )
    })
}

/// `v` with `decimals` decimals, thousands separated: `129053` → `129,053`.
fn number(v: f64, decimals: usize) -> String {
    let text = format!("{:.decimals$}", v.abs());
    let (whole, fraction) = text
        .split_once('.')
        .map_or((text.as_str(), ""), |(w, f)| (w, f));
    let whole = whole
        .parse::<usize>()
        .map_or_else(|_| whole.to_string(), thousands);
    let sign = if v < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// Shares of `unit` (`packages`, `projects`), with the study's column when any row has a
/// figure from it.
pub fn shares(what: &'static str, unit: &'static str, shares: &[Share]) -> Table {
    let study = shares.iter().any(|s| s.reference.is_some());
    let mut columns = vec![(what, false), (unit, true), ("share", true)];
    if study {
        columns.push(("study", true));
    }
    Table {
        columns,
        rows: shares
            .iter()
            .map(|s| {
                let mut row = vec![s.label.clone(), thousands(s.count), percent(s.fraction())];
                if study {
                    row.push(s.reference.map(percent).unwrap_or_default());
                }
                row
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{number, overlaps};
    use crate::stats::Overlap;

    #[test]
    fn overlap_rows_are_the_pairs_sharing_projects_most_first() {
        let pair = |a: &str, b: &str, count| Overlap {
            a: a.into(),
            b: b.into(),
            count,
        };
        let table = overlaps(&[pair("x", "y", 0), pair("x", "z", 2), pair("y", "z", 5)]);
        assert_eq!(table.rows, [["y", "z", "5"], ["x", "z", "2"]]);
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(number(129053.0, 0), "129,053");
        assert_eq!(number(1234.5678, 2), "1,234.57");
        assert_eq!(number(-1500.0, 1), "-1,500.0");
        assert_eq!(number(0.031, 3), "0.031");
    }
}
