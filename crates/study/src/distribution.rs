//! Distributions of per-package numbers (lines, density, days): a five-number summary and a
//! histogram over fixed bins chosen for each measure.

use serde::Serialize;

/// Where a distribution's values fall, and how it is summarised.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Distribution {
    /// `None` when there are no values.
    pub summary: Option<Summary>,
    pub histogram: Vec<Bin>,
}

/// Quartiles are interpolated linearly between the sorted values (numpy's default).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub count: usize,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
    pub mean: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bin {
    pub label: String,
    pub count: usize,
}

/// Bins: `(label, upper bound exclusive)`; the last bin takes everything above.
pub type Edges = &'static [(&'static str, f64)];

pub const FILE_BINS: Edges = &[
    ("0", 1.0),
    ("1", 2.0),
    ("2", 3.0),
    ("3–5", 6.0),
    ("6–10", 11.0),
    ("11–50", 51.0),
    ("51+", f64::INFINITY),
];
pub const LINE_BINS: Edges = &[
    ("0", 1.0),
    ("1–9", 10.0),
    ("10–99", 100.0),
    ("100–999", 1_000.0),
    ("1k–9.9k", 10_000.0),
    ("10k–99k", 100_000.0),
    ("100k+", f64::INFINITY),
];
pub const DENSITY_BINS: Edges = &[
    ("<1%", 0.01),
    ("1–5%", 0.05),
    ("5–10%", 0.10),
    ("10–25%", 0.25),
    ("25–50%", 0.50),
    ("50%+", f64::INFINITY),
];
pub const DAY_BINS: Edges = &[
    ("<1 d", 1.0),
    ("1–7 d", 7.0),
    ("1–4 wk", 30.0),
    ("1–3 mo", 90.0),
    ("3–12 mo", 365.0),
    ("1–2 y", 730.0),
    ("2 y+", f64::INFINITY),
];

impl Distribution {
    /// Summarise `values` (NaN dropped: a hostile input cannot poison the order).
    pub fn of(mut values: Vec<f64>, edges: Edges) -> Distribution {
        values.retain(|v| !v.is_nan());
        values.sort_by(f64::total_cmp);
        let mut histogram: Vec<Bin> = edges
            .iter()
            .map(|(label, _)| Bin {
                label: (*label).to_string(),
                count: 0,
            })
            .collect();
        for v in &values {
            let i = edges
                .iter()
                .position(|(_, upper)| v < upper)
                .unwrap_or(edges.len().saturating_sub(1));
            if let Some(bin) = histogram.get_mut(i) {
                bin.count += 1;
            }
        }
        let summary = (!values.is_empty()).then(|| Summary {
            count: values.len(),
            min: values[0],
            q1: quantile(&values, 0.25),
            median: quantile(&values, 0.5),
            q3: quantile(&values, 0.75),
            max: values[values.len() - 1],
            mean: values.iter().sum::<f64>() / values.len() as f64,
        });
        Distribution { summary, histogram }
    }
}

/// The `q` quantile of sorted, non-empty values, interpolated linearly.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate_and_bins_count() {
        let d = Distribution::of(vec![4.0, 1.0, 3.0, 2.0, f64::NAN], FILE_BINS);
        let s = d.summary.unwrap();
        assert_eq!((s.count, s.min, s.max), (4, 1.0, 4.0));
        assert_eq!((s.q1, s.median, s.q3, s.mean), (1.75, 2.5, 3.25, 2.5));
        let counts: Vec<usize> = d.histogram.iter().map(|b| b.count).collect();
        assert_eq!(counts, [0, 1, 1, 2, 0, 0, 0]);
        assert_eq!(Distribution::of(Vec::new(), DAY_BINS).summary, None);
    }
}
