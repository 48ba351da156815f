//! Inline SVG charts: horizontal bars with labels and percentages (and the study's figure
//! beside malpi's where it gives one), and histograms. Every label is escaped here.

use std::fmt::Write;

use crate::distribution::Bin;
use crate::escape::{escape_html, shorten};

const WIDTH: f64 = 760.0;
const LABEL_WIDTH: f64 = 210.0;
const BAR_WIDTH: f64 = 400.0;
const ROW: f64 = 24.0;
const MAX_LABEL: usize = 30;

/// One row of a bar chart: a fraction (0..=1) and the text shown after the bar.
pub struct BarRow {
    pub label: String,
    pub fraction: f64,
    pub text: String,
    /// The study's share for the same label, drawn as a second, hatched bar.
    pub reference: Option<f64>,
}

/// Horizontal bars. Rows with a reference get a second bar, labelled `study`.
pub fn bar_chart(rows: &[BarRow]) -> String {
    let with_reference = rows.iter().any(|r| r.reference.is_some());
    let row_height = if with_reference { ROW * 1.6 } else { ROW };
    let legend = if with_reference { 26.0 } else { 0.0 };
    let height = legend + row_height * rows.len() as f64 + 6.0;
    let mut svg = open(height, "bar chart");
    if with_reference {
        svg.push_str(
            "<rect x=\"210\" y=\"4\" width=\"14\" height=\"12\" class=\"bar\"/>\
             <text x=\"230\" y=\"14\" class=\"legend\">malpi, measured</text>\
             <rect x=\"350\" y=\"4\" width=\"14\" height=\"12\" class=\"ref\"/>\
             <text x=\"370\" y=\"14\" class=\"legend\">the study (ASE 2023)</text>",
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = legend + i as f64 * row_height;
        let bar = ROW - 8.0;
        let _ = write!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.1}\" class=\"label\" text-anchor=\"end\">{}<title>{}</title></text>",
            LABEL_WIDTH - 8.0,
            y + bar - 3.0,
            escape_html(&shorten(&row.label, MAX_LABEL)),
            escape_html(&row.label),
        );
        let w = BAR_WIDTH * row.fraction.clamp(0.0, 1.0);
        let _ = write!(
            svg,
            "<rect x=\"{LABEL_WIDTH}\" y=\"{y:.1}\" width=\"{BAR_WIDTH}\" height=\"{bar}\" class=\"track\"/>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bar}\" class=\"bar\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"value\">{}</text>",
            LABEL_WIDTH + BAR_WIDTH + 6.0,
            y + bar - 3.0,
            escape_html(&row.text),
        );
        if let Some(reference) = row.reference {
            let ry = y + bar + 1.0;
            let rh = row_height - bar - 5.0;
            let rw = BAR_WIDTH * reference.clamp(0.0, 1.0);
            let _ = write!(
                svg,
                "<rect x=\"{LABEL_WIDTH}\" y=\"{ry:.1}\" width=\"{rw:.1}\" height=\"{rh:.1}\" class=\"ref\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" class=\"refvalue\">study {}</text>",
                LABEL_WIDTH + BAR_WIDTH + 6.0,
                ry + rh,
                percent(reference),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A histogram: one column per bin, its count above it, its label below.
pub fn histogram(bins: &[Bin], unit: &str) -> String {
    let height = 190.0;
    let (top, base) = (22.0, 150.0);
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let slot = (WIDTH - 60.0) / bins.len().max(1) as f64;
    let mut svg = open(height, "histogram");
    let _ = write!(
        svg,
        "<line x1=\"40\" y1=\"{base}\" x2=\"{:.0}\" y2=\"{base}\" class=\"axis\"/>",
        WIDTH - 20.0
    );
    for (i, bin) in bins.iter().enumerate() {
        let x = 40.0 + i as f64 * slot;
        let h = (base - top) * bin.count as f64 / max;
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" class=\"bar\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"value\" text-anchor=\"middle\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"label\" text-anchor=\"middle\">{}</text>",
            x + slot * 0.12,
            base - h,
            slot * 0.76,
            x + slot / 2.0,
            base - h - 5.0,
            thousands(bin.count),
            x + slot / 2.0,
            base + 18.0,
            escape_html(&bin.label),
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{:.0}\" y=\"{:.0}\" class=\"legend\" text-anchor=\"middle\">{}</text></svg>",
        WIDTH / 2.0,
        height - 6.0,
        escape_html(unit)
    );
    svg
}

fn open(height: f64, role: &str) -> String {
    format!(
        "<svg viewBox=\"0 0 {WIDTH} {height:.0}\" \
         width=\"{WIDTH}\" height=\"{height:.0}\" role=\"img\" aria-label=\"{role}\">"
    )
}

/// `0.593` → `59.3%`.
pub fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// `12345` → `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(percent(0.593), "59.3%");
    }

    #[test]
    fn labels_are_escaped_in_charts() {
        let svg = bar_chart(&[BarRow {
            label: "<script>x</script>".into(),
            fraction: 2.0,
            text: "1".into(),
            reference: Some(0.5),
        }]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(
            svg.contains("width=\"400.0\""),
            "clamped to the track: {svg}"
        );
    }
}
