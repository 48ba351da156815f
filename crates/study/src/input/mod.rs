//! Builders of [`crate::StudyData`]: from files — a JSON-lines file of malpi scan reports,
//! joined with a folder of OSV reports for sources and discovery dates — and, with
//! [`study_from_store`], from a malpi store. Hostile input is expected: lines and files are
//! read under size limits, and what cannot be read is skipped and counted, never fatal.

mod jsonl;
mod osv;
mod store;

pub use jsonl::{ScanImport, read_scan_jsonl};
pub use osv::{OsvJoin, join_osv};
pub use store::{PYPI_MIRROR, from_store, study_from_store};

use std::path::PathBuf;

/// What stops a build of the study data.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} holds no OSV report folder (expected NAME/MAL-*.json, or malicious/pypi/NAME/MAL-*.json)", path.display())]
    NotOsv { path: PathBuf },
}
