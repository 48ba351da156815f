//! Entry point for the OSV fuzz target in `fuzz/` (not an API: the parser stays private).

use crate::{Record, RecordError};

/// One OSV document read as the importer reads it.
pub fn parse_osv(bytes: &[u8]) -> Vec<Result<Record, RecordError>> {
    crate::import::osv::parse(bytes, "fuzz.json", "osv")
}
