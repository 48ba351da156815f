//! The terminal summary of a check: per mirror, the reported projects probed, those still
//! served at the latest probe, their share, failed probes, and the still-served project
//! reported longest ago.

use malpi_study::MirrorPersistence;

/// A plain-text table (aligned columns, no colour), one line per mirror in `rows`' order.
pub fn render_table(rows: &[MirrorPersistence]) -> String {
    let header = [
        "mirror",
        "probed",
        "served",
        "share",
        "errors",
        "oldest report still served",
    ];
    let lines: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.mirror.clone(),
                r.probed.to_string(),
                r.served.to_string(),
                format!("{:.1}%", r.share() * 100.0),
                r.errors.to_string(),
                r.oldest_served
                    .as_ref()
                    .map_or("-".to_string(), |(name, at)| {
                        format!("{name} ({})", at.date())
                    }),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for line in &lines {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut push = |cells: &[String]| {
        let mut line = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            // Names and the last column left-aligned, numbers right-aligned.
            if i == 0 || i == 5 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push(&header.map(str::to_string));
    for line in &lines {
        push(line);
    }
    out
}
