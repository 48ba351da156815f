//! One requirement as pip takes it on the command line or in a requirements file:
//! `name`, `name==1.0`, `Flask[async]>=3,<4`, `name (>=1.0)`, `name==1.* ; python_version>"3"`.
//! Markers are accepted and ignored (malpi scans every release file, whatever the platform);
//! direct URL requirements (`name @ https://…`) are refused.

use std::str::FromStr;

use pep440_rs::{Operator, Version, VersionSpecifiers};
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// As written (not normalised).
    pub name: String,
    pub extras: Vec<String>,
    /// Empty: any version.
    pub specifiers: VersionSpecifiers,
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum RequirementError {
    #[error("empty requirement")]
    Empty,
    #[error("`{0}`: a requirement starts with a project name")]
    NoName(String),
    #[error(
        "`{0}`: direct URL requirements (`name @ URL`) are not supported; scan the file instead"
    )]
    DirectUrl(String),
    #[error("`{line}`: {reason}")]
    BadSpecifier { line: String, reason: String },
}

impl FromStr for Requirement {
    type Err = RequirementError;

    fn from_str(line: &str) -> Result<Self, Self::Err> {
        let text = strip_comment(line).trim();
        if text.is_empty() {
            return Err(RequirementError::Empty);
        }
        let name_end = text
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(text.len());
        let name = &text[..name_end];
        let well_formed = name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !well_formed {
            return Err(RequirementError::NoName(text.into()));
        }
        let mut rest = text[name_end..].trim_start();
        let mut extras = Vec::new();
        if let Some(after) = rest.strip_prefix('[') {
            let close = after
                .find(']')
                .ok_or_else(|| RequirementError::BadSpecifier {
                    line: text.into(),
                    reason: "`[` without `]`".into(),
                })?;
            extras = after[..close]
                .split(',')
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect();
            rest = after[close + 1..].trim_start();
        }
        if rest.starts_with('@') {
            return Err(RequirementError::DirectUrl(text.into()));
        }
        let spec = rest.split(';').next().unwrap_or("").trim();
        let spec = spec
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .unwrap_or(spec)
            .trim();
        let specifiers = if spec.is_empty() {
            VersionSpecifiers::empty()
        } else {
            VersionSpecifiers::from_str(spec).map_err(|e| RequirementError::BadSpecifier {
                line: text.into(),
                reason: e.to_string(),
            })?
        };
        Ok(Requirement {
            name: name.into(),
            extras,
            specifiers,
        })
    }
}

impl Requirement {
    /// The version when the requirement pins one exactly (`==1.0`, `===1.0`): yanked files
    /// of it are then acceptable (PEP 592), and so is a pre-release.
    pub fn pinned(&self) -> Option<&Version> {
        match self.specifiers.iter().collect::<Vec<_>>().as_slice() {
            [one] if matches!(one.operator(), Operator::Equal | Operator::ExactEqual) => {
                Some(one.version())
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for Requirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)?;
        if !self.extras.is_empty() {
            write!(f, "[{}]", self.extras.join(","))?;
        }
        write!(f, "{}", self.specifiers)
    }
}

/// A line without its `# comment` (pip: `#` at the start or after whitespace).
pub(crate) fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(s: &str) -> Result<Requirement, RequirementError> {
        s.parse()
    }

    #[test]
    fn pip_forms() {
        let r = req("Flask[async, dotenv] >=3,<4 ; python_version > '3.8' # web").unwrap();
        assert_eq!(r.name, "Flask");
        assert_eq!(r.extras, ["async", "dotenv"]);
        assert_eq!(r.specifiers.len(), 2);
        assert_eq!(r.pinned(), None);
        let r = req("requests==2.32.3").unwrap();
        assert_eq!(r.pinned().map(|v| v.to_string()).as_deref(), Some("2.32.3"));
        assert!(req("a.b-c_d").unwrap().specifiers.is_empty());
        assert_eq!(req("demo (>=1.0)").unwrap().specifiers.len(), 1);
        assert!(req("x==1.*").unwrap().pinned().is_none());
        assert!(req("x===1.0").unwrap().pinned().is_some());
    }

    #[test]
    fn refusals() {
        assert_eq!(req("  # only a comment"), Err(RequirementError::Empty));
        assert!(matches!(req("-r x.txt"), Err(RequirementError::NoName(_))));
        assert!(matches!(
            req("./local/path"),
            Err(RequirementError::NoName(_))
        ));
        assert!(matches!(
            req("x @ https://h/x.whl"),
            Err(RequirementError::DirectUrl(_))
        ));
        assert!(matches!(
            req("x==="),
            Err(RequirementError::BadSpecifier { .. })
        ));
        assert!(matches!(
            req("x[a"),
            Err(RequirementError::BadSpecifier { .. })
        ));
        assert!(matches!(
            req("x>=1.0junk"),
            Err(RequirementError::BadSpecifier { .. })
        ));
    }
}
