//! Name, version and kind of a package, from its metadata or, failing that, its file name.

mod config;

use malpi_archive::{Archive, Format};
use serde::Serialize;

use crate::report::PackageKind;

/// The core metadata a package declares (PKG-INFO in an sdist, METADATA in a wheel).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Metadata {
    pub name: String,
    pub version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub summary: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub author: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub author_email: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub home_page: String,
    /// `Requires-Dist` entries, as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requires_dist: Vec<String>,
    /// `Project-URL` entries, as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub project_urls: Vec<String>,
    /// The member it was read from.
    pub source: String,
}

impl Metadata {
    /// The project names the package depends on (`Requires-Dist: foo[bar]>=1; extra == "x"`
    /// gives `foo`).
    pub fn dependency_names(&self) -> Vec<String> {
        self.requires_dist
            .iter()
            .map(|r| malpi_names::requirement_name(r))
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// What the package declares: the shallowest PKG-INFO or METADATA, else setup.cfg, else
/// pyproject.toml.
pub fn from_members(members: &[malpi_archive::Member]) -> Option<Metadata> {
    core_metadata(members).or_else(|| {
        let shallowest = |suffix: &str| {
            members
                .iter()
                .filter(|m| {
                    m.complete && m.path.ends_with(suffix) && m.path.matches('/').count() <= 1
                })
                .min_by_key(|m| m.path.matches('/').count())
        };
        let text = |m: &malpi_archive::Member| String::from_utf8_lossy(&m.data).into_owned();
        shallowest("setup.cfg")
            .and_then(|m| config::from_setup_cfg(&text(m), &m.path))
            .or_else(|| {
                shallowest("pyproject.toml").and_then(|m| config::from_pyproject(&text(m), &m.path))
            })
    })
}

/// The build backend in the package's tree, from its root pyproject.toml.
pub fn in_tree_backend(members: &[malpi_archive::Member]) -> Option<String> {
    let pyproject = members
        .iter()
        .filter(|m| m.path.ends_with("pyproject.toml") && m.path.matches('/').count() <= 1)
        .min_by_key(|m| m.path.matches('/').count())?;
    config::in_tree_backend(&String::from_utf8_lossy(&pyproject.data))
}

/// The commands the package installs (`name`, `module:function`): a wheel's or egg's
/// `entry_points.txt`, pyproject's `[project.scripts]`/`[project.gui-scripts]`, setup.cfg's
/// `[options.entry_points]`, and `name=module:function` strings in setup.py. They run when a
/// user runs them: the program model names them in chains.
pub fn console_scripts(
    members: &[malpi_archive::Member],
    files: &[malpi_python::FileFacts],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let text = |m: &malpi_archive::Member| String::from_utf8_lossy(&m.data).into_owned();
    for m in members.iter().filter(|m| m.path.matches('/').count() <= 1) {
        let tables: &[&str] = if m.path.ends_with("entry_points.txt") {
            &["[console_scripts]", "[gui_scripts]"]
        } else if m.path.ends_with("pyproject.toml") {
            &["[project.scripts]", "[project.gui-scripts]"]
        } else if m.path.ends_with("setup.cfg") {
            &["[options.entry_points]"]
        } else {
            continue;
        };
        out.extend(config::scripts_in(&text(m), tables));
    }
    for f in files
        .iter()
        .filter(|f| f.role == malpi_python::FileRole::SetupPy)
    {
        out.extend(
            f.strings
                .iter()
                .filter_map(|s| config::script_line(&s.value)),
        );
    }
    out.sort();
    out.dedup();
    out.truncate(256);
    out
}

/// The shallowest PKG-INFO or METADATA member, parsed (RFC 822 style headers, continuation
/// lines folded, the body after the first blank line ignored).
fn core_metadata(members: &[malpi_archive::Member]) -> Option<Metadata> {
    let meta = members
        .iter()
        .filter(|m| {
            m.complete && (m.path.ends_with("PKG-INFO") || m.path.ends_with(".dist-info/METADATA"))
        })
        .min_by_key(|m| m.path.matches('/').count())?;
    let text = String::from_utf8_lossy(&meta.data);
    let mut out = Metadata {
        source: meta.path.clone(),
        ..Metadata::default()
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .take(10_000)
    {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((key, value)) = line.split_once(':') {
            headers.push((key.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    for (key, value) in headers {
        let value = malpi_python::cut(&value, 500);
        match key.as_str() {
            "name" => out.name = value,
            "version" => out.version = value,
            "summary" => out.summary = value,
            "author" => out.author = value,
            "author-email" => out.author_email = value,
            "home-page" => out.home_page = value,
            "requires-dist" if out.requires_dist.len() < 500 => out.requires_dist.push(value),
            "project-url" if out.project_urls.len() < 100 => out.project_urls.push(value),
            _ => {}
        }
    }
    (!out.name.is_empty()).then_some(out)
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

    #[test]
    fn core_metadata_headers() {
        let member = malpi_archive::Member {
            path: "pkg-1.0/PKG-INFO".into(),
            data: b"Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\nSummary: a\n  longer summary\nRequires-Dist: reqeusts[socks]>=2; extra == 'x'\nRequires-Dist: six\n\nName: not-a-header\n".to_vec(),
            size: 0,
            complete: true,
        };
        let m = from_members(&[member]).unwrap();
        assert_eq!(m.name, "pkg");
        assert_eq!(m.summary, "a longer summary");
        assert_eq!(m.dependency_names(), vec!["reqeusts", "six"]);
    }
}
