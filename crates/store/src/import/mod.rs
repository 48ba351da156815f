//! Importers: each reads one kind of source into [`Record`]s; [`Store::import`] writes them.
//!
//! Reading is bounded (file sizes, record counts), follows no links and never writes what
//! it reads to disk: sample archives are hashed and scanned from memory.

mod datadog;
mod list;
pub(crate) mod osv;
mod samples;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use crate::{ImportSummary, Record, RecordError, Store, StoreError};

/// How to import.
pub struct ImportOptions<'a> {
    /// The source name to credit (a list's default, a collection's name; for OSV, the
    /// source of records that name no origin).
    pub source: Option<String>,
    /// Scan sample files on import (files already scanned by this malpi version are not
    /// scanned again).
    pub scan: Option<malpi_scan::ScanOptions>,
    /// Threads for hashing and scanning; threads need large stacks (see malpi's CLI `pool`).
    pub pool: Option<&'a rayon::ThreadPool>,
    /// Called with (records done, records in all) as the import goes.
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
}

impl Default for ImportOptions<'_> {
    fn default() -> Self {
        ImportOptions {
            source: None,
            scan: None,
            pool: None,
            progress: None,
        }
    }
}

impl ImportOptions<'_> {
    fn source_or(&self, default: &str) -> String {
        self.source
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| default.to_string())
    }
}

impl Store {
    /// OSV records: a folder tree (`osv/malicious/pypi/NAME/MAL-*.json`, withdrawn ones
    /// anywhere below) or a zip of them as osv.dev exports them. Only PyPI entries are kept.
    pub fn import_osv(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
    ) -> Result<ImportSummary, StoreError> {
        let records = osv::read(path, &opts.source_or("osv"))?;
        self.import_all(records, opts)
    }

    /// A sample collection laid out `NAME/VERSION/FILE` (an `index.tsv` beside it gives
    /// the date each file was added, by sha256).
    pub fn import_samples(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
    ) -> Result<ImportSummary, StoreError> {
        let source = opts.source_or(&default_source_name(path, "samples"));
        let jobs = samples::jobs(path, &source)?;
        self.import_jobs(Vec::new(), jobs, opts)
    }

    /// DataDog's malicious-software-packages-dataset (`samples/pypi/manifest.json` and
    /// encrypted zips, password `infected`): the manifest as reports, the zips as files.
    pub fn import_datadog(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
    ) -> Result<ImportSummary, StoreError> {
        let source = opts.source_or("datadog");
        let (reports, jobs) = datadog::read(path, &source)?;
        self.import_jobs(reports, jobs, opts)
    }

    /// A CSV or text list: `name`, `name==version`, or CSV with a header naming `name`,
    /// `version`, `date` and `source` columns (only `name` is needed).
    pub fn import_list(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
    ) -> Result<ImportSummary, StoreError> {
        let records = list::read(path, &opts.source_or(&default_source_name(path, "list")))?;
        self.import_all(records, opts)
    }

    fn import_all(
        &mut self,
        records: Vec<Result<Record, RecordError>>,
        opts: &ImportOptions,
    ) -> Result<ImportSummary, StoreError> {
        let total = records.len() as u64;
        self.import(records, &mut |done| {
            if let Some(p) = opts.progress {
                p(done, total);
            }
        })
    }

    /// Write `leading` records, then the files `jobs` load (in parallel, in job order).
    fn import_jobs(
        &mut self,
        leading: Vec<Result<Record, RecordError>>,
        jobs: Vec<FileJob>,
        opts: &ImportOptions,
    ) -> Result<ImportSummary, StoreError> {
        let total = (leading.len() + jobs.len()) as u64;
        // Hashes scanned already, and those claimed by a worker in this import.
        let scanned = std::sync::Mutex::new(self.scanned_hashes()?);
        let own;
        let pool = match opts.pool {
            Some(p) => p,
            None => {
                own = big_stack_pool()?;
                &own
            }
        };
        let files = run_jobs(jobs, opts.scan.as_ref(), &scanned, pool);
        std::thread::scope(|s| {
            let (records, _workers) = files.start(s);
            self.import(leading.into_iter().chain(records), &mut |done| {
                if let Some(p) = opts.progress {
                    p(done, total);
                }
            })
        })
    }
}

/// A collection is credited by its folder's name unless told otherwise.
fn default_source_name(path: &Path, fallback: &str) -> String {
    path.file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty() && n != "." && n != "..")
        .unwrap_or_else(|| fallback.to_string())
}

/// Scanning threads need room for deep (hostile) syntax trees.
fn big_stack_pool() -> Result<rayon::ThreadPool, StoreError> {
    rayon::ThreadPoolBuilder::new()
        .stack_size(256 << 20)
        .build()
        .map_err(|e| StoreError::Input {
            path: "thread pool".into(),
            reason: e.to_string(),
        })
}

/// One sample file to read, hash and maybe scan, with what the layout says about it.
pub(crate) struct FileJob {
    pub project: String,
    pub version: Option<String>,
    pub location: String,
    pub source: String,
    pub added: Option<String>,
    /// Dates from the collection's index, by sha256 (known only once the file is read).
    pub dates_by_hash: std::sync::Arc<std::collections::HashMap<String, String>>,
    pub load: Loader,
}

/// How a job gets its package bytes: a plain file, or from inside an encrypted zip.
pub(crate) enum Loader {
    File(PathBuf),
    EncryptedZip(PathBuf),
}

/// Package bytes and the name they go by.
pub(crate) struct Loaded {
    pub filename: String,
    /// What the scanner reads.
    pub bytes: Vec<u8>,
    /// The file's sha256 and size when they are not those of `bytes` (a sample repacked).
    pub identity: Option<(String, u64)>,
}

/// Biggest sample file read (the scanner's own input limit is 1 GiB).
pub(crate) const MAX_SAMPLE_BYTES: u64 = 512 << 20;

/// Read a file whole, refusing one over `cap` bytes.
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > cap {
        return Err(format!("larger than the {cap}-byte limit"));
    }
    Ok(bytes)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Regular files under `root`, sorted, links not followed, with their path from `root`.
pub(crate) fn walk(root: &Path) -> Result<Vec<(PathBuf, Vec<String>)>, StoreError> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), Vec::<String>::new())];
    while let Some((dir, rel)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| StoreError::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&dir, e))?;
            let kind = entry.file_type().map_err(|e| StoreError::io(&dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let mut child = rel.clone();
            child.push(name);
            if kind.is_dir() {
                stack.push((entry.path(), child));
            } else if kind.is_file() {
                out.push((entry.path(), child));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Jobs run on a pool; their records come back in job order (so which place first names a
/// file shared by two places does not depend on thread timing).
struct JobRun<'a> {
    jobs: Vec<FileJob>,
    scan: Option<&'a malpi_scan::ScanOptions>,
    scanned: &'a std::sync::Mutex<std::collections::HashSet<String>>,
    pool: &'a rayon::ThreadPool,
}

fn run_jobs<'a>(
    jobs: Vec<FileJob>,
    scan: Option<&'a malpi_scan::ScanOptions>,
    scanned: &'a std::sync::Mutex<std::collections::HashSet<String>>,
    pool: &'a rayon::ThreadPool,
) -> JobRun<'a> {
    JobRun {
        jobs,
        scan,
        scanned,
        pool,
    }
}

impl<'a> JobRun<'a> {
    /// Start the workers in `scope`; the records, in order, as an iterator.
    fn start<'scope>(
        self,
        scope: &'scope std::thread::Scope<'scope, '_>,
    ) -> (Ordered, std::thread::ScopedJoinHandle<'scope, ()>)
    where
        'a: 'scope,
    {
        // Bounded: a slow writer holds the scanners back instead of buffering every result.
        let (tx, rx) = mpsc::sync_channel::<(usize, Result<Record, RecordError>)>(256);
        let handle = scope.spawn(move || {
            let JobRun {
                jobs,
                scan,
                scanned,
                pool,
            } = self;
            pool.install(|| {
                use rayon::prelude::*;
                jobs.into_par_iter()
                    .enumerate()
                    .with_max_len(1)
                    // A writer that stopped (the import failed) ends the work early.
                    .try_for_each_with(tx, |tx, (i, job)| {
                        let record = samples::load_record(job, scan, scanned);
                        tx.send((i, record))
                    })
                    .ok();
            });
        });
        (
            Ordered {
                rx,
                pending: BTreeMap::new(),
                next: 0,
            },
            handle,
        )
    }
}

/// Results arriving out of order, handed on in order.
struct Ordered {
    rx: mpsc::Receiver<(usize, Result<Record, RecordError>)>,
    pending: BTreeMap<usize, Result<Record, RecordError>>,
    next: usize,
}

impl Iterator for Ordered {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(r) = self.pending.remove(&self.next) {
                self.next += 1;
                return Some(r);
            }
            let (i, r) = self.rx.recv().ok()?;
            self.pending.insert(i, r);
        }
    }
}
