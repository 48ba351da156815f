//! Name, version and kind of a package, from its metadata or, failing that, its file name.

use malpi_archive::{Archive, Format};

use crate::report::PackageKind;

/// `Name:` and `Version:` from the shallowest PKG-INFO or METADATA member.
pub fn from_members(members: &[malpi_archive::Member]) -> Option<(String, String)> {
    let meta = members
        .iter()
        .filter(|m| {
            m.complete && (m.path.ends_with("PKG-INFO") || m.path.ends_with(".dist-info/METADATA"))
        })
        .min_by_key(|m| m.path.matches('/').count())?;
    let text = String::from_utf8_lossy(&meta.data);
    let field = |key: &str| {
        text.lines()
            .take_while(|l| !l.is_empty())
            .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
    };
    Some((field("Name:")?, field("Version:").unwrap_or_default()))
}

/// Name and version from a distribution file name (`name-1.0.tar.gz`, `name-1.0-py3-none-any.whl`).
pub fn from_file_name(file: &str) -> (String, String) {
    let stem = [
        ".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".whl", ".egg", ".py", ".tar",
    ]
    .iter()
    .find_map(|ext| file.strip_suffix(ext))
    .unwrap_or(file);
    if file.ends_with(".whl") || file.ends_with(".egg") {
        let mut parts = stem.split('-');
        let name = parts.next().unwrap_or_default().to_string();
        return (name, parts.next().unwrap_or_default().to_string());
    }
    // The version starts at the last '-' followed by a digit.
    match stem
        .rmatch_indices('-')
        .find(|(i, _)| stem[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
    {
        Some((i, _)) => (stem[..i].to_string(), stem[i + 1..].to_string()),
        None => (stem.to_string(), String::new()),
    }
}

/// Wheel, egg or sdist: by content first (a wheel named `.tar.gz` is a wheel), then by name.
pub fn kind_of(file: &str, archive: &Archive) -> PackageKind {
    let has = |pred: &dyn Fn(&str) -> bool| archive.members.iter().any(|m| pred(&m.path));
    if archive.format == Format::Zip {
        if has(&|p| p.contains(".dist-info/") && (p.ends_with("/WHEEL") || p.ends_with("/RECORD")))
            || file.ends_with(".whl")
        {
            return PackageKind::Wheel;
        }
        if has(&|p| p.starts_with("EGG-INFO/")) || file.ends_with(".egg") {
            return PackageKind::Egg;
        }
    }
    PackageKind::Sdist
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_files() {
        assert_eq!(
            from_file_name("foo-bar-1.2.3.tar.gz"),
            ("foo-bar".into(), "1.2.3".into())
        );
        assert_eq!(
            from_file_name("foo_bar-0.1-py3-none-any.whl"),
            ("foo_bar".into(), "0.1".into())
        );
        assert_eq!(from_file_name("setup.py"), ("setup".into(), String::new()));
    }
}
