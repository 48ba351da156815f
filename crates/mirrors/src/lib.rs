//! malpi-mirrors: which package indexes (PyPI and its mirrors) still serve reported
//! malicious packages.
//!
//! - [`Mirror`]: a named Simple Repository API root; [`study_preset`] lists public ones.
//! - [`observe`]: one mirror's answer for one reported project, as store observations
//!   (the project page, each reported version, each known file matched by sha256 or name);
//!   no file is downloaded.
//! - [`check`]: every (mirror, project) pair, politely — a few requests at a time per host,
//!   a global request rate, the client's timeouts and retries with backoff — handing each
//!   result to the caller as it comes (so a long check is written as it goes).
//! - [`render_table`]: the terminal summary per mirror (served, share, oldest report served).

mod check;
mod mirror;
mod observe;
mod table;

pub use check::{CheckOptions, check};
pub use mirror::{Mirror, MirrorError, host_of, study_preset};
pub use observe::{Observed, observe};
pub use table::render_table;
