//! The figures the study ("An Empirical Study of Malicious Code In PyPI Ecosystem",
//! ASE 2023) reports, shown next to what malpi measures.

/// Share of malicious packages showing each behaviour category (a package may show several).
pub const CATEGORY_SHARES: &[(&str, f64)] = &[
    ("command-execution", 0.593),
    ("information-stealing", 0.494),
    ("file-operation", 0.472),
    ("code-execution", 0.026),
    ("remote-control", 0.008),
];

/// Share of malicious packages by when their code runs (each package counted once).
pub const TRIGGER_SHARES: &[(&str, f64)] =
    &[("install", 0.686), ("import", 0.19), ("runtime", 0.124)];

/// The study's figure for a label, if it gives one.
pub fn lookup(table: &[(&str, f64)], label: &str) -> Option<f64> {
    table.iter().find(|(l, _)| *l == label).map(|(_, v)| *v)
}
