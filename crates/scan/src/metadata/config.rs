//! Metadata from build configuration, for sdists without a usable PKG-INFO: `setup.cfg`
//! (`[metadata]`, `[options] install_requires`) and `pyproject.toml` (`[project]`). Only the
//! few keys malpi reports are read, by a small line parser: no TOML or INI library sees the
//! hostile file whole.

use super::Metadata;

/// `[metadata]` and `[options]` of a setup.cfg.
pub fn from_setup_cfg(text: &str, source: &str) -> Option<Metadata> {
    let mut out = Metadata {
        source: source.to_string(),
        ..Metadata::default()
    };
    let mut section = String::new();
    let mut list_key: Option<String> = None;
    for line in text.lines().take(10_000) {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_ascii_lowercase();
            list_key = None;
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        // An indented line continues the previous key's list.
        if line.starts_with([' ', '\t']) {
            if list_key.as_deref() == Some("install_requires") && out.requires_dist.len() < 500 {
                out.requires_dist.push(trimmed.to_string());
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once(['=', ':']) else {
            continue;
        };
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim().to_string());
        list_key = Some(key.clone());
        match (section.as_str(), key.as_str()) {
            ("metadata", "name") => out.name = value,
            ("metadata", "version") => out.version = value,
            ("metadata", "description" | "summary") => out.summary = value,
            ("metadata", "author") => out.author = value,
            ("metadata", "author_email" | "author-email") => out.author_email = value,
            ("metadata", "url" | "home_page" | "home-page") => out.home_page = value,
            ("options", "install_requires") if !value.is_empty() => out
                .requires_dist
                .extend(value.split([',', ';']).map(|v| v.trim().to_string())),
            _ => {}
        }
    }
    (!out.name.is_empty()).then_some(out)
}

/// `[project]` of a pyproject.toml: name, version, description, dependencies, urls.
pub fn from_pyproject(text: &str, source: &str) -> Option<Metadata> {
    let mut out = Metadata {
        source: source.to_string(),
        ..Metadata::default()
    };
    let mut table = String::new();
    let mut in_dependencies = false;
    for line in text.lines().take(10_000) {
        let trimmed = line.trim();
        if in_dependencies {
            out.requires_dist.extend(quoted_strings(trimmed));
            if trimmed.contains(']') {
                in_dependencies = false;
            }
            continue;
        }
        if trimmed.starts_with('[') {
            table = trimmed.trim_matches(['[', ']', ' ']).to_string();
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match (table.as_str(), key) {
            ("project", "name") => out.name = unquote(value),
            ("project", "version") => out.version = unquote(value),
            ("project", "description") => out.summary = unquote(value),
            ("project", "dependencies") => {
                out.requires_dist.extend(quoted_strings(value));
                in_dependencies = !value.contains(']');
            }
            ("project.urls", _) => out.project_urls.push(format!("{key}, {}", unquote(value))),
            _ => {}
        }
        if out.requires_dist.len() > 500 {
            out.requires_dist.truncate(500);
        }
    }
    (!out.name.is_empty()).then_some(out)
}

/// `[build-system] build-backend` of a pyproject.toml when `backend-path` puts the backend
/// in the package's own tree (its hooks then run the package's code at install).
pub fn in_tree_backend(text: &str) -> Option<String> {
    let mut table = "";
    let (mut backend, mut has_path) = (None, false);
    for line in text.lines().take(10_000) {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            table = trimmed;
            continue;
        }
        if table != "[build-system]" {
            continue;
        }
        match trimmed.split_once('=').map(|(k, v)| (k.trim(), v.trim())) {
            Some(("build-backend", v)) => backend = Some(unquote(v)),
            Some(("backend-path", _)) => has_path = true,
            _ => {}
        }
    }
    backend.filter(|_| has_path)
}

/// `name = module:function` lines of the given tables of an INI or TOML text.
pub fn scripts_in(text: &str, tables: &[&str]) -> Vec<(String, String)> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines().take(10_000) {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = tables.contains(&trimmed);
            continue;
        }
        if inside {
            out.extend(script_line(trimmed));
        }
    }
    out
}

/// One `name = module:function` entry (quotes and extras allowed), when it is one.
pub fn script_line(line: &str) -> Option<(String, String)> {
    let (name, target) = line.split_once('=')?;
    let name = name.trim().trim_matches(['"', '\'']);
    let target = unquote(target);
    let target = target.split('[').next().unwrap_or(&target).trim();
    let (module, function) = target.split_once(':')?;
    let ident = |s: &str| {
        !s.is_empty()
            && s.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
    };
    let good_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.".contains(c));
    (good_name && ident(module.trim()) && ident(function.trim())).then(|| {
        (
            name.to_string(),
            format!("{}:{}", module.trim(), function.trim()),
        )
    })
}

fn unquote(value: &str) -> String {
    let v = value.split(" #").next().unwrap_or(value).trim();
    v.trim_matches(['"', '\'']).to_string()
}

/// The quoted strings of a line (`"a>=1", 'b'`).
fn quoted_strings(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else {
            break;
        };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_scripts_from_every_place_they_are_declared() {
        let toml = "[project]\nname = \"x\"\n[project.scripts]\ntool = \"pkg.cli:main\"\n[tool.x]\ny = \"a:b\"\n";
        assert_eq!(
            scripts_in(toml, &["[project.scripts]"]),
            vec![("tool".to_string(), "pkg.cli:main".to_string())]
        );
        assert_eq!(
            script_line("tool=pkg.cli:main [extra]"),
            Some(("tool".to_string(), "pkg.cli:main".to_string()))
        );
        assert_eq!(script_line("x = 1"), None);
        assert_eq!(script_line("url = https://example.com"), None);
    }

    #[test]
    fn only_a_backend_in_the_tree_is_an_entry() {
        let toml =
            "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n";
        assert_eq!(in_tree_backend(toml).as_deref(), Some("backend"));
        let toml = "[build-system]\nbuild-backend = \"setuptools.build_meta\"\n";
        assert_eq!(in_tree_backend(toml), None);
    }

    #[test]
    fn setup_cfg_metadata_and_requirements() {
        let m = from_setup_cfg(
            "[metadata]\nname = reqeusts\nversion = 1.0\ndescription = HTTP\n\n[options]\ninstall_requires =\n    six\n    colourama>=1\n",
            "x/setup.cfg",
        )
        .unwrap();
        assert_eq!(m.name, "reqeusts");
        assert_eq!(m.requires_dist, vec!["six", "colourama>=1"]);
    }

    #[test]
    fn pyproject_project_table() {
        let m = from_pyproject(
            "[build-system]\nrequires = [\"setuptools\"]\n\n[project]\nname = \"reqeusts\"\nversion = \"99.0.0\"\ndependencies = [\n  \"six\",\n  'idna>=2',\n]\n\n[project.urls]\nHomepage = \"https://github.com/psf/requests\"\n",
            "x/pyproject.toml",
        )
        .unwrap();
        assert_eq!(m.version, "99.0.0");
        assert_eq!(m.requires_dist, vec!["six", "idna>=2"]);
        assert_eq!(
            m.project_urls,
            vec!["Homepage, https://github.com/psf/requests"]
        );
    }
}
