//! Packages named the way pip names them (`requests==2.32.3`, `'flask>=3'`,
//! `-r requirements.txt`), for `malpi scan` and `malpi fetch`: the index flags, telling a
//! requirement from a path, and fetching with a progress bar. Fetched files are verified
//! and kept in the cache; nothing fetched is ever run, imported or installed.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use malpi_index::{
    Cache, Client, ClientConfig, FetchEvent, FetchOptions, FetchedFile, Fetcher, FileKind, Index,
    PackageOutcome, Requirement, Selection,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Only {
    Sdist,
    Wheel,
}

/// Where packages come from and which of their files to take.
#[derive(Args, Clone, Debug)]
pub struct IndexArgs {
    /// Requirements file, pip format (`-r` inside is followed; index options in it are not).
    #[arg(short = 'r', long = "requirement", value_name = "FILE")]
    requirements: Vec<PathBuf>,
    /// Package index (Simple Repository API root). Repeatable: the first index that lists a
    /// project serves it, indexes are never merged. Default: $PIP_INDEX_URL, else PyPI.
    #[arg(long = "index-url", short = 'i', value_name = "URL")]
    index_urls: Vec<String>,
    /// Download cache (content-addressed by sha256) [default: $XDG_CACHE_HOME/malpi or
    /// ~/.cache/malpi].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Take only the sdists or only the wheels of the chosen release (default: every file:
    /// each can hide different code).
    #[arg(long, value_enum)]
    only: Option<Only>,
    /// Consider pre-releases too.
    #[arg(long)]
    pre: bool,
    /// Downloads at once.
    #[arg(long, default_value_t = 4, value_name = "N")]
    downloads: usize,
    /// PEM bundle of CA certificates to trust instead of the built-in Mozilla roots
    /// [default: $PIP_CERT, else $SSL_CERT_FILE].
    #[arg(long, value_name = "FILE")]
    cert: Option<PathBuf>,
}

impl IndexArgs {
    pub fn index_urls(&self) -> Vec<String> {
        if !self.index_urls.is_empty() {
            return self.index_urls.clone();
        }
        match std::env::var("PIP_INDEX_URL") {
            Ok(url) if !url.trim().is_empty() => vec![url.trim().to_string()],
            _ => vec![malpi_index::PYPI_SIMPLE.to_string()],
        }
    }

    pub fn fetcher(&self) -> anyhow::Result<Fetcher> {
        let client = Client::new(ClientConfig {
            ca_certificates_pem: ca_bundle(self.cert.as_deref())?,
            ..ClientConfig::default()
        });
        let indexes = self
            .index_urls()
            .iter()
            .map(|url| Index::new(url, client.clone()))
            .collect();
        let cache = Cache::new(
            self.cache_dir
                .clone()
                .unwrap_or_else(malpi_index::default_cache_dir),
        );
        let selection = Selection {
            only: self.only.map(|o| match o {
                Only::Sdist => FileKind::Sdist,
                Only::Wheel => FileKind::Wheel,
            }),
            pre: self.pre,
        };
        Ok(Fetcher::new(
            indexes,
            cache,
            FetchOptions {
                selection,
                jobs: self.downloads.max(1),
            },
        ))
    }

    pub fn has_requirement_files(&self) -> bool {
        !self.requirements.is_empty()
    }

    /// The requirements of the `-r` files (their warnings go to stderr).
    pub fn file_requirements(&self) -> anyhow::Result<Vec<Requirement>> {
        let mut out = Vec::new();
        for path in &self.requirements {
            let file = malpi_index::read_requirements(path)?;
            for warning in &file.warnings {
                eprintln!("warning: {warning}");
            }
            out.extend(file.requirements.into_iter().map(|(r, _)| r));
        }
        Ok(out)
    }
}

/// The PEM bundle to trust: `cert`, else $PIP_CERT, else $SSL_CERT_FILE (a system-wide
/// setting meant for other programs: unreadable, it is not worth failing over); `None`: the
/// built-in roots.
pub fn ca_bundle(cert: Option<&Path>) -> anyhow::Result<Option<Vec<u8>>> {
    let env_path = |key| {
        std::env::var_os(key)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let read_bundle = |path: &Path| {
        std::fs::read(path).with_context(|| format!("cannot read the CA bundle {}", path.display()))
    };
    Ok(
        match cert.map(Path::to_path_buf).or_else(|| env_path("PIP_CERT")) {
            Some(path) => Some(read_bundle(&path)?),
            None => env_path("SSL_CERT_FILE").and_then(|path| {
                read_bundle(&path)
                    .inspect_err(|e| eprintln!("warning: {e:#}; using the built-in roots"))
                    .ok()
            }),
        },
    )
}

/// Package-file suffixes: an argument ending with one is a path, even a missing one.
const FILE_SUFFIXES: &[&str] = &[
    ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".whl", ".egg", ".py", ".tar",
];

/// The requirement an argument names, when it is not a path: an existing path, anything
/// with a path separator and anything ending like a package file stay paths, so that a
/// mistyped file name is never looked up on an index.
pub fn as_requirement(arg: &Path) -> Option<Requirement> {
    let text = arg.to_str()?;
    let lower = text.to_ascii_lowercase();
    if arg.exists()
        || text.contains(['/', '\\'])
        || FILE_SUFFIXES.iter().any(|s| lower.ends_with(s))
    {
        return None;
    }
    text.parse().ok()
}

/// Resolve and fetch `requirements`, with a progress bar on a terminal.
pub fn fetch(
    fetcher: &Fetcher,
    requirements: &[Requirement],
    progress: bool,
) -> Vec<PackageOutcome> {
    let pb = (progress && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(0);
        pb.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files  {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb.set_message("resolving…");
        pb
    });
    let outcomes = fetcher.fetch_all(requirements, &|event| {
        if let Some(pb) = &pb {
            match event {
                FetchEvent::Resolved { files, .. } => pb.inc_length(files as u64),
                FetchEvent::FileDone { filename, .. } => {
                    pb.set_message(filename);
                    pb.inc(1);
                }
            }
        }
    });
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    outcomes
}

/// Print each package's errors on stderr, one line each; whether there were any.
pub fn report_errors(outcomes: &[PackageOutcome]) -> bool {
    let mut any = false;
    for outcome in outcomes {
        for error in &outcome.errors {
            any = true;
            eprintln!("error[{}]: {}: {error}", error.kind(), outcome.requirement);
        }
    }
    any
}

/// An `error` report for each thing that went wrong fetching a package, so that `scan`'s
/// output accounts for every package asked for.
pub fn failure_reports(outcomes: &[PackageOutcome]) -> Vec<malpi_scan::Report> {
    outcomes
        .iter()
        .flat_map(|outcome| {
            outcome.errors.iter().map(|error| {
                let mut info = malpi_scan::PackageInfo::new(
                    outcome.requirement.to_string(),
                    malpi_scan::PackageKind::File,
                );
                info.name = outcome.requirement.name.clone();
                info.version = outcome.version.clone().unwrap_or_default();
                malpi_scan::Report::error(info, format!("cannot fetch ({}): {error}", error.kind()))
            })
        })
        .collect()
}

/// The name a fetched file gets in reports: its URL without credentials or query (the
/// last segment is the file name the scanner reads the kind from).
pub fn report_name(fetched: &FetchedFile) -> String {
    let url = fetched.file.url.split(['?', '#']).next().unwrap_or("");
    let url = match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_string(),
    };
    if url.ends_with(&format!("/{}", fetched.file.filename)) {
        url
    } else {
        fetched.file.filename.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(url: &str, filename: &str) -> FetchedFile {
        FetchedFile {
            file: malpi_index::DistFile {
                filename: filename.into(),
                url: url.into(),
                ..Default::default()
            },
            path: PathBuf::new(),
            sha256: String::new(),
            verified: true,
            from_cache: false,
        }
    }

    #[test]
    fn report_names_hide_credentials_and_queries() {
        let f = fetched(
            "https://user:token@idx.example/p/a-1.0.tar.gz?sig=secret",
            "a-1.0.tar.gz",
        );
        assert_eq!(report_name(&f), "https://idx.example/p/a-1.0.tar.gz");
        let f = fetched("https://idx.example/download?id=7", "a-1.0.tar.gz");
        assert_eq!(report_name(&f), "a-1.0.tar.gz");
    }

    #[test]
    fn paths_stay_paths() {
        for arg in ["pkg.tar.gz", "./x", "dir/pkg", "evil-0.1.whl", "setup.py"] {
            assert!(as_requirement(Path::new(arg)).is_none(), "{arg}");
        }
        for arg in ["requests==2.32.3", "flask>=3", "six"] {
            assert!(as_requirement(Path::new(arg)).is_some(), "{arg}");
        }
    }
}
