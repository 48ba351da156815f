//! The schema and its versioned migrations.
//!
//! Migrations are numbered; each runs in its own transaction together with the row that
//! records it in `schema_version`, so a store is always at one whole version. `{ID}` stands
//! for the back end's auto-numbered key column. Dates are ISO-8601 UTC text (sorts as time).

use crate::StoreError;
use crate::db::{Backend, Db};

/// Every migration, in order. Never edit a released one: add the next.
const MIGRATIONS: &[&str] = &[
    // 1: the collection (projects, versions, sources, reports, files, scans) and mirror
    // observations.
    r#"
CREATE TABLE projects (
    id {ID},
    name TEXT NOT NULL UNIQUE,          -- PEP 503 normalised
    display_name TEXT NOT NULL          -- as first seen
);
CREATE TABLE versions (
    id {ID},
    project_id BIGINT NOT NULL REFERENCES projects(id),
    version TEXT NOT NULL,
    UNIQUE (project_id, version)
);
CREATE TABLE sources (
    id {ID},
    name TEXT NOT NULL UNIQUE           -- e.g. ghsa-malware, checkmarx, datadog, malregistry
);
-- One report as its publisher keeps it (an OSV record; one project of a list or manifest).
CREATE TABLE reports (
    id {ID},
    report_key TEXT NOT NULL UNIQUE,    -- OSV id, or `SOURCE/NAME` for lists and manifests
    project_id BIGINT NOT NULL REFERENCES projects(id),
    summary TEXT,
    details TEXT,
    aliases TEXT NOT NULL DEFAULT '[]', -- JSON array
    refs TEXT NOT NULL DEFAULT '[]',    -- JSON array of {type, url}
    published TEXT,
    modified TEXT,
    withdrawn TEXT,
    all_versions BIGINT NOT NULL DEFAULT 0, -- 1: every version (an OSV range from 0)
    imported_at TEXT NOT NULL
);
CREATE INDEX reports_project ON reports(project_id);
-- Who reported it: a record merged by OSV keeps each origin.
CREATE TABLE report_sources (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    source_id BIGINT NOT NULL REFERENCES sources(id),
    source_ref TEXT NOT NULL DEFAULT '', -- the origin's own id, when it has one
    PRIMARY KEY (report_id, source_id, source_ref)
);
CREATE TABLE report_versions (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    version_id BIGINT NOT NULL REFERENCES versions(id),
    PRIMARY KEY (report_id, version_id)
);
-- A file is its bytes: the same sha256 found twice is one file.
CREATE TABLE files (
    id {ID},
    sha256 TEXT NOT NULL UNIQUE,
    size BIGINT NOT NULL,
    filename TEXT NOT NULL,
    project_id BIGINT REFERENCES projects(id),
    version_id BIGINT REFERENCES versions(id),
    upload_time TEXT,
    first_seen TEXT NOT NULL
);
CREATE INDEX files_version ON files(version_id);
-- Where each source had the file (the study's archive keeps every place it came from).
-- The same bytes under two names are one file reported twice: each place keeps its name.
CREATE TABLE file_sources (
    file_id BIGINT NOT NULL REFERENCES files(id),
    source_id BIGINT NOT NULL REFERENCES sources(id),
    location TEXT NOT NULL,             -- path inside the collection
    project_id BIGINT NOT NULL REFERENCES projects(id),
    version_id BIGINT REFERENCES versions(id),
    added TEXT,                         -- when the source added it, if it says
    PRIMARY KEY (file_id, source_id, location)
);
CREATE TABLE scans (
    id {ID},
    file_sha256 TEXT NOT NULL,
    malpi_version TEXT NOT NULL,
    verdict TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    categories TEXT NOT NULL,           -- JSON arrays
    triggers TEXT NOT NULL,
    techniques TEXT NOT NULL,
    findings TEXT NOT NULL,
    errors TEXT NOT NULL,
    files_analysed BIGINT NOT NULL,
    scanned_at TEXT NOT NULL,
    UNIQUE (file_sha256, malpi_version)
);
CREATE TABLE mirror_observations (
    id {ID},
    mirror TEXT NOT NULL,
    project TEXT NOT NULL,              -- normalised
    version TEXT,
    filename TEXT,
    file_sha256 TEXT,
    status TEXT NOT NULL CHECK (status IN ('present', 'absent', 'error')),
    http_status BIGINT,
    hashes_served TEXT NOT NULL DEFAULT '[]', -- JSON array of sha256 the mirror listed
    detail TEXT,
    observed_at TEXT NOT NULL
);
CREATE INDEX mirror_observations_project ON mirror_observations(project, mirror);
"#,
    // 2: what the study reads from a scan beyond its verdict: code size (files, lines,
    // evidence lines) and the platforms the code singles out.
    r#"
ALTER TABLE scans ADD COLUMN python_files BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN python_lines BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN evidence_lines BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN platforms TEXT NOT NULL DEFAULT '[]';
CREATE INDEX mirror_observations_mirror ON mirror_observations(mirror, observed_at);
"#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Bring the store to [`SCHEMA_VERSION`]; refuse a store made by a newer malpi.
pub fn migrate(db: &mut Db) -> Result<(), StoreError> {
    db.batch(
        "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    let current = db.count("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    let id = match db.backend() {
        Backend::Sqlite => "INTEGER PRIMARY KEY",
        Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    };
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as i64 + 1;
        db.batch("BEGIN")?;
        let applied = db.batch(&sql.replace("{ID}", id)).and_then(|()| {
            db.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
                &[version.into(), crate::time::now().into()],
            )
        });
        match applied {
            Ok(_) => db.batch("COMMIT")?,
            Err(e) => {
                let _ = db.batch("ROLLBACK");
                return Err(e);
            }
        }
    }
    Ok(())
}
