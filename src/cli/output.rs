//! Where results go: standard output, or a file written whole (a temporary file renamed into
//! place, so that a failed run leaves nothing half-written).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

pub enum Output {
    Stdout(BufWriter<io::Stdout>),
    File {
        tmp: PathBuf,
        dest: PathBuf,
        w: Option<BufWriter<File>>,
        done: bool,
    },
}

impl Output {
    pub fn open(dest: Option<&Path>) -> io::Result<Self> {
        match dest {
            None => Ok(Output::Stdout(BufWriter::new(io::stdout()))),
            Some(dest) => {
                let dir = dest
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let name = dest
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "out".into());
                let tmp = dir.join(format!(".{name}.malpi-{}.tmp", std::process::id()));
                let f = File::create(&tmp)?;
                Ok(Output::File {
                    tmp,
                    dest: dest.to_path_buf(),
                    w: Some(BufWriter::new(f)),
                    done: false,
                })
            }
        }
    }

    /// Flush, and move a file output into place.
    pub fn finish(mut self) -> io::Result<()> {
        match &mut self {
            Output::Stdout(w) => w.flush(),
            Output::File { tmp, dest, w, done } => {
                let f = w
                    .take()
                    .expect("written once")
                    .into_inner()
                    .map_err(|e| e.into_error())?;
                f.sync_all()?;
                std::fs::rename(&*tmp, &*dest)?;
                *done = true;
                Ok(())
            }
        }
    }

    pub fn is_terminal(&self) -> bool {
        use std::io::IsTerminal;
        matches!(self, Output::Stdout(_)) && io::stdout().is_terminal()
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // Only reached without finish() on failure paths: remove the partial file.
        if let Output::File {
            tmp, done: false, ..
        } = self
        {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File { w, .. } => w.as_mut().map_or(Ok(0), |w| w.write(buf)),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File { w, .. } => w.as_mut().map_or(Ok(()), |w| w.flush()),
        }
    }
}
