//! Fetching many requirements: resolve each on the first index that has it, then download
//! every chosen file, verified, into the [`Cache`] — both phases on a few threads, each
//! package and file with its own outcome so that one failure stops nothing else.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use thiserror::Error;

use crate::cache::{Cache, CacheError, sha256_file};
use crate::http::{HttpError, Purpose, map_io};
use crate::index::{Index, IndexError};
use crate::page::DistFile;
use crate::requirement::Requirement;
use crate::select::{SelectError, Selection, choose_release};

#[derive(Clone, Debug)]
pub struct FetchOptions {
    pub selection: Selection,
    /// Downloads (and page requests) at once.
    pub jobs: usize,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            selection: Selection::default(),
            jobs: 4,
        }
    }
}

#[derive(Debug, Error)]
pub enum FetchError {
    #[error("not on {}", indexes.join(", "))]
    NotFound {
        project: String,
        indexes: Vec<String>,
    },
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Select(#[from] SelectError),
    #[error("{url}: sha256 mismatch: the index says {expected}, the file is {actual}")]
    HashMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl FetchError {
    /// A short kind, for reports and exit messages (`not-found`, `hash-mismatch`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::NotFound { .. } | FetchError::Index(IndexError::NotFound { .. }) => {
                "not-found"
            }
            FetchError::Http(HttpError::Status {
                status: 404 | 410, ..
            }) => "not-found",
            FetchError::Index(IndexError::Http(e)) | FetchError::Http(e) => match e {
                HttpError::Timeout { .. } | HttpError::TooSlow { .. } => "timeout",
                HttpError::TooLarge { .. } => "too-large",
                HttpError::Status { .. } => "http-status",
                _ => "network",
            },
            FetchError::Index(IndexError::BadPage { .. }) => "bad-index-page",
            FetchError::Select(_) => "no-match",
            FetchError::HashMismatch { .. } => "hash-mismatch",
            FetchError::Cache(_) => "cache",
        }
    }
}

/// One downloaded (or already cached) file.
#[derive(Clone, Debug, Serialize)]
pub struct FetchedFile {
    pub file: DistFile,
    /// In the cache.
    pub path: PathBuf,
    pub sha256: String,
    /// The index gave a sha256 and the file matches it; `false`: the index gave none.
    pub verified: bool,
    pub from_cache: bool,
}

/// What became of one requirement.
#[derive(Debug)]
pub struct PackageOutcome {
    pub requirement: Requirement,
    /// The index that served it.
    pub index: Option<String>,
    pub version: Option<String>,
    pub files: Vec<FetchedFile>,
    /// Resolution errors, or one per file that could not be fetched.
    pub errors: Vec<FetchError>,
}

/// Progress, as it happens (from worker threads).
#[derive(Clone, Debug)]
pub enum FetchEvent {
    /// A requirement was resolved to `files` files to fetch.
    Resolved {
        project: String,
        version: String,
        files: usize,
    },
    FileDone {
        filename: String,
        ok: bool,
    },
}

pub struct Fetcher {
    indexes: Vec<Index>,
    cache: Cache,
    options: FetchOptions,
}

impl Fetcher {
    /// `indexes` in order of preference: the first that lists a project serves it (no
    /// merging across indexes, which is how dependency confusion happens).
    pub fn new(indexes: Vec<Index>, cache: Cache, options: FetchOptions) -> Fetcher {
        Fetcher {
            indexes,
            cache,
            options,
        }
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// Resolve and fetch every requirement; outcomes in input order.
    pub fn fetch_all(
        &self,
        requirements: &[Requirement],
        on_event: &(dyn Fn(FetchEvent) + Sync),
    ) -> Vec<PackageOutcome> {
        let resolved = parallel_map(requirements, self.options.jobs, |req| {
            let r = self.resolve(req);
            if let Ok((_, release)) = &r {
                on_event(FetchEvent::Resolved {
                    project: release.project.clone(),
                    version: release.version.to_string(),
                    files: release.files.len(),
                });
            }
            r
        });
        let mut outcomes = Vec::with_capacity(requirements.len());
        let mut jobs: Vec<(usize, DistFile)> = Vec::new();
        for (i, (req, r)) in requirements.iter().zip(resolved).enumerate() {
            let mut outcome = PackageOutcome {
                requirement: req.clone(),
                index: None,
                version: None,
                files: Vec::new(),
                errors: Vec::new(),
            };
            match r {
                Ok((index, release)) => {
                    outcome.index = Some(index);
                    outcome.version = Some(release.version.to_string());
                    jobs.extend(release.files.into_iter().map(|f| (i, f)));
                }
                Err(e) => outcome.errors.push(e),
            }
            outcomes.push(outcome);
        }
        // The same file asked for twice (`good` and `good==1.0`) must not be written by two
        // threads at once: first copies in parallel, repeats afterwards (from the cache).
        let mut seen = std::collections::HashSet::new();
        let (firsts, repeats): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .partition(|(_, f)| seen.insert(f.sha256.clone().unwrap_or_else(|| f.url.clone())));
        let fetch_one = |(_, file): &(usize, DistFile)| {
            let r = self.download(file);
            on_event(FetchEvent::FileDone {
                filename: file.filename.clone(),
                ok: r.is_ok(),
            });
            r
        };
        let mut results = parallel_map(&firsts, self.options.jobs, fetch_one);
        results.extend(repeats.iter().map(fetch_one));
        for ((i, _), r) in firsts.iter().chain(&repeats).zip(results) {
            match r {
                Ok(f) => outcomes[*i].files.push(f),
                Err(e) => outcomes[*i].errors.push(e),
            }
        }
        outcomes
    }

    /// The index that lists `req`'s project first, and the release chosen there.
    pub fn resolve(&self, req: &Requirement) -> Result<(String, crate::Release), FetchError> {
        let mut first_error = None;
        for index in &self.indexes {
            match index.project(&req.name) {
                Ok(page) => {
                    let release = choose_release(&page, req, &self.options.selection)?;
                    return Ok((index.url().to_string(), release));
                }
                Err(IndexError::NotFound { .. }) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(match first_error {
            Some(e) => FetchError::Index(e),
            None => FetchError::NotFound {
                project: req.name.clone(),
                indexes: self.indexes.iter().map(|i| i.url().to_string()).collect(),
            },
        })
    }

    /// Fetch one file into the cache (or find it there), verified against the index's hash.
    pub fn download(&self, file: &DistFile) -> Result<FetchedFile, FetchError> {
        let client = self
            .indexes
            .first()
            .map(Index::client)
            .cloned()
            .unwrap_or_else(|| crate::Client::new(crate::ClientConfig::default()));
        let done = |path: PathBuf, sha256: String, from_cache| FetchedFile {
            file: file.clone(),
            path,
            verified: file.sha256.is_some(),
            sha256,
            from_cache,
        };
        let expected = file.sha256.as_deref();
        if let Some(h) = expected
            && let Some(path) = self.cache.get(h)
        {
            return Ok(done(path, h.to_string(), true));
        }
        let part = match expected.and_then(|h| self.cache.part_path(h)) {
            Some(p) => p,
            None => self.cache.temp_path(),
        };
        if let Some(dir) = part.parent() {
            std::fs::create_dir_all(dir).map_err(CacheError::io(dir))?;
        }
        // A resumed download that does not verify gets one more try from the start: the
        // kept prefix may have come from another version of the file.
        for fresh in [false, true] {
            if fresh {
                let _ = std::fs::remove_file(&part);
            }
            let resumed = part.exists();
            let limit = client.config().max_file_bytes;
            client.with_retries(|| download_into(&client, &file.url, &part, limit))?;
            let actual = sha256_file(&part).map_err(CacheError::io(&part))?;
            match expected {
                Some(h) if !h.eq_ignore_ascii_case(&actual) => {
                    if resumed && !fresh {
                        continue;
                    }
                    let _ = std::fs::remove_file(&part);
                    return Err(FetchError::HashMismatch {
                        url: file.url.clone(),
                        expected: h.to_string(),
                        actual,
                    });
                }
                _ => {
                    let path = self.cache.commit(&part, &actual)?;
                    return Ok(done(path, actual, false));
                }
            }
        }
        unreachable!("the second pass always returns")
    }
}

/// One attempt at getting `url` into `part`, continuing what is already there when the
/// server honours a Range request, else starting over.
fn download_into(
    client: &crate::Client,
    url: &str,
    part: &Path,
    limit: u64,
) -> Result<(), HttpError> {
    let io_err = |e: std::io::Error| HttpError::Transport {
        url: url.into(),
        reason: format!("cannot write {}: {e}", part.display()),
    };
    let have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
    let stream = match client.open(url, "*/*", (have > 0).then_some(have), Purpose::Download) {
        Err(HttpError::Status { status: 416, .. }) if have > 0 => {
            std::fs::remove_file(part).map_err(io_err)?;
            client.open(url, "*/*", None, Purpose::Download)?
        }
        other => other?,
    };
    let resume = have > 0 && stream.status == 206 && stream.range_start == Some(have);
    let start = if resume { have } else { 0 };
    if let Some(len) = stream.content_length
        && start.saturating_add(len) > limit
    {
        return Err(HttpError::TooLarge {
            url: url.into(),
            limit,
        });
    }
    let mut out = OpenOptions::new()
        .create(true)
        .write(true)
        .append(resume)
        .truncate(!resume)
        .open(part)
        .map_err(io_err)?;
    let mut reader = stream
        .reader
        .take(limit.saturating_sub(start).saturating_add(1));
    let mut buf = vec![0u8; 64 << 10];
    let mut written = start;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // What arrived stays in `part`: the next attempt resumes from there.
            Err(e) => return Err(map_io(url, e)),
        };
        written += n as u64;
        if written > limit {
            drop(out);
            let _ = std::fs::remove_file(part);
            return Err(HttpError::TooLarge {
                url: url.into(),
                limit,
            });
        }
        out.write_all(&buf[..n]).map_err(io_err)?;
    }
    out.sync_all().map_err(io_err)
}

/// `f` over `items` on up to `jobs` threads; results in input order.
fn parallel_map<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let workers = jobs.clamp(1, items.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    if let Ok(mut all) = results.lock() {
                        all[i] = Some(r);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .flatten()
        .collect()
}
