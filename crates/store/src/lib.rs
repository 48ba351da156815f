//! malpi-store: the collection of malicious-package reports, their files, malpi's scans of
//! them and what mirrors serve, in one schema on two back ends — SQLite (a single file, the
//! default) and PostgreSQL (for a team).
//!
//! Importers turn a source (OSV records, a sample collection, DataDog's dataset, a list)
//! into [`Record`]s; [`Store::import`] writes them in **one transaction per import**: a record
//! that cannot be read is listed in [`ImportSummary::errors`] and the rest is written, while a
//! failure of the store itself (or of reading the source as a whole) rolls the whole import
//! back. Writing is idempotent: the same records twice change nothing, a report with a newer
//! `modified` date replaces the older one.

mod db;
mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
mod model;
mod query;
mod schema;
pub mod time;
mod write;

use std::path::{Path, PathBuf};

pub use db::Backend;
pub use export::ExportFormat;
pub use model::*;
pub use schema::SCHEMA_VERSION;

use db::Db;

/// The malpi version scans are recorded under.
pub const MALPI_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store {location}: {reason}")]
    Open { location: String, reason: String },
    #[error("database error in `{statement}`: {reason}")]
    Sql { statement: String, reason: String },
    #[error(
        "the store has schema version {found}, newer than this malpi knows ({known}): upgrade malpi"
    )]
    TooNew { found: i64, known: i64 },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Input { path: String, reason: String },
    #[error("refusing to write {path}: outside the output folder {dir}")]
    OutsideOutput { path: String, dir: String },
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn input(path: &Path, reason: impl Into<String>) -> Self {
        StoreError::Input {
            path: path.display().to_string(),
            reason: reason.into(),
        }
    }
}

/// A store: one open connection, schema brought up to date on open.
pub struct Store {
    db: Db,
    location: String,
}

impl Store {
    /// Open what `spec` names: a `postgres://` or `postgresql://` URL, else a SQLite file
    /// (created with its folder if missing).
    pub fn open(spec: &str) -> Result<Store, StoreError> {
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            Store::open_postgres(spec, None)
        } else {
            Store::open_sqlite(Path::new(spec))
        }
    }

    /// The default store: `$XDG_DATA_HOME/malpi/malpi.db`, else `~/.local/share/malpi/malpi.db`.
    pub fn default_path() -> Option<PathBuf> {
        let data = std::env::var_os("XDG_DATA_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|h| !h.is_empty())
                    .map(|h| PathBuf::from(h).join(".local/share"))
            })?;
        Some(data.join("malpi").join("malpi.db"))
    }

    pub fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        let location = path.display().to_string();
        let open_err = |reason: String| StoreError::Open {
            location: location.clone(),
            reason,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        let conn = rusqlite::Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        // WAL: readers (a report being built) do not wait for an import; NORMAL sync is
        // durable at each commit in WAL mode.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
        )
        .map_err(|e| open_err(e.to_string()))?;
        Store::init(Db::Sqlite(conn), location)
    }

    /// Open a PostgreSQL store; with `schema`, its tables live in that schema (created if
    /// missing), so several stores (or tests) can share one database.
    pub fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        let location = redact(url);
        let open_err = |reason: String| StoreError::Open {
            location: location.clone(),
            reason,
        };
        let mut client =
            postgres::Client::connect(url, postgres::NoTls).map_err(|e| open_err(e.to_string()))?;
        if let Some(schema) = schema {
            let valid = !schema.is_empty()
                && schema.len() <= 63
                && schema
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(open_err(format!(
                    "schema name `{schema}` must be lowercase letters, digits and `_`"
                )));
            }
            client
                .batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
                ))
                .map_err(|e| open_err(e.to_string()))?;
        }
        Store::init(Db::Postgres(Box::new(db::Postgres::new(client))), location)
    }

    fn init(mut db: Db, location: String) -> Result<Store, StoreError> {
        schema::migrate(&mut db)?;
        Ok(Store { db, location })
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Where the store is (a URL's password is not shown).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Run `f` in one transaction: committed if it returns Ok, rolled back otherwise.
    fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.db.batch("BEGIN")?;
        match f(self) {
            Ok(v) => {
                self.db.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.db.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Run raw SQL (for tests and maintenance: triggers, checks).
    #[doc(hidden)]
    pub fn execute_batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.db.batch(sql)
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((auth, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}
