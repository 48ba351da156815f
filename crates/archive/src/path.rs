//! Member names are attacker-chosen: sanitise them for display and say what was wrong.

/// A safe relative path, and the reason the original was unsafe, if it was.
pub fn sanitise(raw: &str) -> (String, Option<&'static str>) {
    let mut reason = None;
    if raw.contains('\0') {
        reason = Some("NUL byte in name");
    }
    // NULs go before splitting: removed after, `\0/x` would become `/x` and `.\0.` `..`.
    let unified: String = raw
        .chars()
        .filter(|c| *c != '\0')
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    if unified.starts_with('/') {
        reason = reason.or(Some("absolute path"));
    }
    let bytes = unified.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        reason = reason.or(Some("drive-letter path"));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                reason = reason.or(Some("path traversal (..)"));
            }
            p if p.len() == 2 && p.ends_with(':') => {}
            p => parts.push(p),
        }
    }
    if raw.contains('\\') && reason.is_none() && unified.split('/').any(|p| p == "..") {
        reason = Some("path traversal (..\\)");
    }
    (parts.join("/"), reason)
}

#[cfg(test)]
mod tests {
    use super::sanitise;

    #[test]
    fn hostile_names() {
        assert_eq!(sanitise("pkg/setup.py"), ("pkg/setup.py".into(), None));
        assert_eq!(sanitise("../../etc/x").0, "etc/x");
        assert!(sanitise("../../etc/x").1.is_some());
        assert!(sanitise("/etc/cron.d/x").1.is_some());
        assert!(sanitise("C:\\Windows\\x.exe").1.is_some());
        assert!(sanitise("a\\..\\..\\b").1.is_some());
        // Found by the archive fuzz target: NULs removed after joining left `/x`.
        assert_eq!(sanitise("\0/x.py").0, "x.py");
        assert_eq!(sanitise("a/.\0./b").0, "a/b");
        assert!(sanitise("a/.\0./b").1.is_some());
    }
}
