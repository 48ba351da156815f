//! malpi-archive: read package archives (tar, tar.gz/bz2/xz, zip/wheel/egg) and folders in
//! memory, under limits, without trusting them.
//!
//! Nothing is extracted to disk, no link is followed, no member name is trusted, and every
//! byte read is counted against one [`Limits`] budget: declared sizes in headers can lie, so
//! only the bytes a decoder actually produces count.

mod budget;
mod dir;
mod format;
mod links;
mod path;
mod tar;
mod zip;

pub use dir::read_dir_tree;
pub use format::{Format, detect_format};

use budget::Budget;

/// One budget for every stage; a test can shrink it.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Total uncompressed bytes read from one input.
    pub max_total_bytes: u64,
    pub max_members: usize,
    /// Bytes read from one member; past it the member is truncated.
    pub max_member_bytes: u64,
    /// Uncompressed/compressed ratio, checked once more than 16 MiB came out, so tiny,
    /// highly compressible files do not trip it.
    pub max_ratio: u64,
    /// Archives inside archives.
    pub max_depth: u32,
    /// Bytes of wanted members held in memory for one input (what analysis works on, so
    /// what its memory follows); past it further members are only counted.
    pub max_kept_bytes: u64,
    /// Edges of one package's program model (calls, imports, starts between its scopes);
    /// past it the model is incomplete and the scan says so.
    pub max_graph_edges: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_bytes: 512 << 20,
            max_members: 50_000,
            max_member_bytes: 64 << 20,
            max_ratio: 200,
            max_depth: 3,
            max_kept_bytes: 256 << 20,
            max_graph_edges: 2_000_000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitKind {
    TotalBytes,
    Members,
    MemberBytes,
    Ratio,
    Depth,
    KeptBytes,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// Reading stopped or a member was truncated; what was read so far is kept.
    LimitTripped { limit: LimitKind, detail: String },
    /// A member name climbing out (`..`), absolute, or otherwise unsafe; kept under a
    /// sanitised name.
    UnsafePath { path: String, reason: String },
    /// A symbolic or hard link member: never followed, content not read.
    Link { path: String, target: String },
    /// Truncated or invalid data; members read before it are kept.
    Corrupt { detail: String },
}

#[derive(Clone, Debug)]
pub struct Member {
    /// Sanitised, '/'-separated, relative; `outer.whl!/inner/path` inside nested archives.
    pub path: String,
    /// The whole content when wanted (up to the member limit), else the first bytes.
    pub data: Vec<u8>,
    /// Uncompressed bytes seen for this member.
    pub size: u64,
    /// `data` holds the whole member.
    pub complete: bool,
}

#[derive(Debug)]
pub struct Archive {
    pub format: Format,
    pub members: Vec<Member>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("empty input")]
    Empty,
    #[error("not an archive (format {0:?})")]
    NotAnArchive(Format),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Bytes kept of a member whose content is not wanted, for magic-number checks.
pub const HEAD_BYTES: usize = 512;

/// What one read accumulates, shared by nested archives.
pub(crate) struct Sink<'k> {
    pub limits: Limits,
    pub keep: &'k dyn Fn(&str) -> bool,
    pub budget: Budget,
    pub members: Vec<Member>,
    /// Bytes of member data held in `members`.
    pub kept: u64,
    pub problems: Vec<Problem>,
    /// Stop reading: a global limit tripped.
    pub stopped: bool,
}

impl Sink<'_> {
    pub fn trip(&mut self, limit: LimitKind, detail: String) {
        if !self.problems.iter().any(|p| matches!(p, Problem::LimitTripped { limit: l, .. } if *l == limit && limit != LimitKind::MemberBytes)) {
            self.problems.push(Problem::LimitTripped { limit, detail });
        }
        if matches!(
            limit,
            LimitKind::TotalBytes | LimitKind::Members | LimitKind::Ratio
        ) {
            self.stopped = true;
        }
    }

    /// Room for one more member, else trip the member limit.
    pub fn admit(&mut self) -> bool {
        if self.stopped {
            return false;
        }
        if self.members.len() >= self.limits.max_members {
            let n = self.limits.max_members;
            self.trip(LimitKind::Members, format!("more than {n} members"));
            return false;
        }
        true
    }

    /// Record a member that is a link resolved inside the archive: the target's bytes under
    /// the link's name, whole when the name is wanted and the kept-bytes budget has room,
    /// else its first bytes (as for any member not wanted).
    pub fn add_copy(&mut self, path: String, data: Vec<u8>, size: u64, complete: bool) {
        let want = (self.keep)(&path);
        let room = self.limits.max_kept_bytes.saturating_sub(self.kept);
        let (data, complete) = if want && data.len() as u64 <= room {
            (data, complete)
        } else {
            if want {
                self.trip(
                    LimitKind::KeptBytes,
                    format!(
                        "more than {} bytes of code to keep; `{path}` read in part",
                        self.limits.max_kept_bytes
                    ),
                );
            }
            let head = data[..data.len().min(HEAD_BYTES)].to_vec();
            let c = complete && head.len() as u64 == size;
            (head, c)
        };
        self.kept += data.len() as u64;
        self.members.push(Member {
            path,
            data,
            size,
            complete,
        });
    }

    /// Record a member read from `reader`, descending into it if it is itself an archive.
    pub fn add(&mut self, path: String, reader: &mut dyn std::io::Read, depth: u32) {
        let mut want = (self.keep)(&path);
        let kept_room = self.limits.max_kept_bytes.saturating_sub(self.kept);
        if want && kept_room == 0 {
            want = false;
            self.trip(
                LimitKind::KeptBytes,
                format!(
                    "more than {} bytes of code to keep; `{path}` and later members only counted",
                    self.limits.max_kept_bytes
                ),
            );
        }
        let cap = if want {
            self.limits.max_member_bytes.min(kept_room)
        } else {
            self.limits.max_member_bytes
        };
        let (data, size, complete, err) = budget::read_member(reader, cap, want, &mut self.budget);
        if let Some(e) = err {
            self.problems.push(Problem::Corrupt {
                detail: format!("{path}: {e}"),
            });
        }
        if size > cap && cap < self.limits.max_member_bytes {
            let most = self.limits.max_kept_bytes;
            self.trip(
                LimitKind::KeptBytes,
                format!("more than {most} bytes of code to keep; `{path}` read in part"),
            );
        } else if size > cap {
            self.trip(
                LimitKind::MemberBytes,
                format!("member `{path}` is larger than {cap} bytes; read in part"),
            );
        }
        if let Some(limit) = self.budget.exceeded(&self.limits) {
            let detail = match limit {
                LimitKind::Ratio => format!(
                    "compression ratio above {} (decompression bomb?)",
                    self.limits.max_ratio
                ),
                _ => format!(
                    "uncompressed size exceeds {} bytes",
                    self.limits.max_total_bytes
                ),
            };
            self.trip(limit, detail);
        }
        let nested = format::detect_format(&data);
        let is_nested_archive = !matches!(nested, Format::Unknown | Format::Gzip) && complete;
        if is_nested_archive && want_nested(&path) {
            if depth + 1 > self.limits.max_depth {
                self.trip(
                    LimitKind::Depth,
                    format!(
                        "`{path}` nests archives deeper than {}",
                        self.limits.max_depth
                    ),
                );
            } else {
                read_into(self, &data, nested, &format!("{path}!/"), depth + 1);
            }
        }
        let (data, complete) = if want || is_nested_archive {
            (data, complete)
        } else {
            let head = data[..data.len().min(HEAD_BYTES)].to_vec();
            let c = complete && head.len() as u64 == size;
            (head, c)
        };
        self.kept += data.len() as u64;
        self.members.push(Member {
            path,
            data,
            size,
            complete,
        });
    }
}

/// Nested archives worth opening: any member whose bytes are an archive, except the data
/// files of honest packages (test fixtures are often zips); a payload inside them would
/// still need code to open it, and that code is scanned.
fn want_nested(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        ".whl", ".egg", ".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz", ".pyz",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
        || !lower.rsplit('/').next().unwrap_or("").contains('.')
}

fn read_into(sink: &mut Sink, bytes: &[u8], format: Format, prefix: &str, depth: u32) {
    match format {
        Format::Zip => zip::read(sink, bytes, prefix, depth),
        Format::Tar | Format::TarGz | Format::TarBz2 | Format::TarXz => {
            tar::read(sink, bytes, format, prefix, depth)
        }
        Format::Gzip | Format::Unknown => {}
    }
}

/// Read an archive held in memory. `keep(path)` says whether a member's whole content is
/// wanted; other members keep their first [`HEAD_BYTES`].
pub fn read_archive(
    bytes: &[u8],
    limits: &Limits,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Archive, ArchiveError> {
    if bytes.is_empty() {
        return Err(ArchiveError::Empty);
    }
    let format = detect_format(bytes);
    if matches!(format, Format::Unknown | Format::Gzip) {
        return Err(ArchiveError::NotAnArchive(format));
    }
    let mut sink = Sink {
        limits: limits.clone(),
        keep,
        budget: Budget::new(bytes.len() as u64),
        members: Vec::new(),
        kept: 0,
        problems: Vec::new(),
        stopped: false,
    };
    read_into(&mut sink, bytes, format, "", 0);
    Ok(Archive {
        format,
        members: sink.members,
        problems: sink.problems,
    })
}
