//! Counting what decoders really produce, against the limits.

use std::io::Read;

use crate::{LimitKind, Limits};

/// Ratio is only judged past this much output: small files compress very well honestly.
const RATIO_FLOOR: u64 = 16 << 20;

pub struct Budget {
    /// Compressed bytes of the outermost input.
    input: u64,
    /// Uncompressed bytes produced so far, nested archives included.
    pub produced: u64,
}

impl Budget {
    pub fn new(input: u64) -> Self {
        Budget {
            input: input.max(1),
            produced: 0,
        }
    }

    pub fn exceeded(&self, limits: &Limits) -> Option<LimitKind> {
        if self.produced > limits.max_total_bytes {
            Some(LimitKind::TotalBytes)
        } else if self.produced > RATIO_FLOOR && self.produced / self.input > limits.max_ratio {
            Some(LimitKind::Ratio)
        } else {
            None
        }
    }

    /// Bytes still allowed in total.
    pub fn left(&self, limits: &Limits) -> u64 {
        let by_total = limits.max_total_bytes.saturating_sub(self.produced);
        let by_ratio = (self.input.saturating_mul(limits.max_ratio))
            .max(RATIO_FLOOR)
            .saturating_sub(self.produced);
        by_total.min(by_ratio) + 1
    }
}

/// Read one member: whole (up to `cap`) when wanted, else only counted. Returns the data,
/// the bytes seen (at most cap + 1), whether data is whole, and a read error if any.
pub fn read_member(
    reader: &mut dyn Read,
    cap: u64,
    want: bool,
    budget: &mut Budget,
) -> (Vec<u8>, u64, bool, Option<std::io::Error>) {
    let mut data = Vec::new();
    let mut seen = 0u64;
    let mut buf = [0u8; 16 * 1024];
    let mut err = None;
    // One byte past the cap tells a member that is exactly at the cap from one beyond it.
    let limit = cap + 1;
    loop {
        let room = (limit - seen).min(buf.len() as u64) as usize;
        if room == 0 {
            break;
        }
        match reader.read(&mut buf[..room]) {
            Ok(0) => break,
            Ok(n) => {
                seen += n as u64;
                budget.produced += n as u64;
                if want || data.len() < crate::HEAD_BYTES {
                    let take = if want {
                        n
                    } else {
                        n.min(crate::HEAD_BYTES - data.len())
                    };
                    if seen <= cap || !want {
                        data.extend_from_slice(&buf[..take]);
                    } else {
                        // Keep exactly `cap` bytes.
                        let over = (seen - cap) as usize;
                        data.extend_from_slice(&buf[..n.saturating_sub(over)]);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    let complete = err.is_none() && seen <= cap && (want || seen as usize <= crate::HEAD_BYTES);
    (data, seen, complete, err)
}

/// A reader that counts what it yields and fails past `limit`: wraps decompressors whose
/// output a container format may skip over without us reading it (tar skips unread member
/// data by reading it), so that even skipped bytes are bounded.
pub struct Counted<R> {
    inner: R,
    pub count: std::rc::Rc<std::cell::Cell<u64>>,
    limit: u64,
}

impl<R> Counted<R> {
    pub fn new(inner: R, limit: u64) -> Self {
        Counted {
            inner,
            count: Default::default(),
            limit,
        }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let used = self.count.get();
        if used >= self.limit {
            return Err(std::io::Error::other(LIMIT_MESSAGE));
        }
        let room = (self.limit - used).min(buf.len() as u64) as usize;
        let n = self.inner.read(&mut buf[..room])?;
        self.count.set(used + n as u64);
        Ok(n)
    }
}

/// The error text a [`Counted`] reader gives when its limit is hit.
pub const LIMIT_MESSAGE: &str = "decompressed size limit reached";
