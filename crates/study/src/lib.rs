//! malpi-study: the study's results regenerated from data — which packages were reported
//! and by whom, what their code does, when it runs, which platforms it targets, how long
//! mirrors keep serving it — and the reports that show them (Markdown, one self-contained
//! HTML file with inline SVG charts).
//!
//! Flow: a builder fills [`StudyData`] (from a scan file and OSV reports here, from the
//! store elsewhere), [`Stats::compute`] reads it, and a renderer writes the report.

pub mod distribution;
mod escape;
mod html;
pub mod input;
mod lifecycle;
mod markdown;
pub mod model;
pub mod reference;
mod stats;
mod svg;
mod tables;
pub mod time;

pub use escape::escape_html;
pub use html::render_html;
pub use lifecycle::{Lifecycle, MirrorPersistence, mirror_persistence};
pub use markdown::render_markdown;
pub use model::{MirrorObservation, PackageRecord, Presence, ScanSummary, StudyData};
pub use stats::{Dataset, Overlap, Share, Stats};
pub use time::Timestamp;
