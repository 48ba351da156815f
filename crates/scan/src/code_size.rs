//! How much Python code a package holds, and how much of it is evidence: the study's code
//! attributes (files, lines, malicious-code density).

use std::collections::HashSet;

use malpi_rules::{Finding, Severity};
use serde::Serialize;

/// The size of a package's Python code and of its malicious part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CodeSize {
    /// Python files in the package (`.py`, `.pyw`, `.pth`), analysed or not.
    pub python_files: u64,
    /// Lines of Python code: lines holding something other than blanks or a comment.
    pub python_lines: u64,
    /// Distinct (file, line) places of findings of medium severity or more: the lines that
    /// hold malicious evidence. `evidence_lines / python_lines` is the malicious-code density.
    pub evidence_lines: u64,
}

/// Lines of code in one file: neither blank nor only a comment. One pass with memchr.
pub fn code_lines(bytes: &[u8]) -> u64 {
    let mut count = 0;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        let line = &bytes[start..end];
        start = end + 1;
        if let Some(&first) = line.iter().find(|b| !b.is_ascii_whitespace()) {
            if first != b'#' {
                count += 1;
            }
        }
    }
    count
}

/// Distinct places of medium-or-stronger findings in Python code (package-level findings,
/// at line 0, and findings in tests or docs are not evidence lines).
pub fn evidence_lines(findings: &[Finding]) -> u64 {
    findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium && f.line > 0 && !f.auxiliary)
        .map(|f| (f.path.as_str(), f.line))
        .collect::<HashSet<_>>()
        .len() as u64
}

#[cfg(test)]
mod tests {
    use super::code_lines;

    #[test]
    fn blank_and_comment_lines_are_not_code() {
        assert_eq!(code_lines(b""), 0);
        assert_eq!(
            code_lines(b"import os\n\n   \n# note\n  # indented note\nx = 1"),
            2
        );
        assert_eq!(code_lines(b"a\r\nb\r\n\r\n"), 2);
        assert_eq!(code_lines(b"s = '# not a comment'\n"), 1);
    }
}
