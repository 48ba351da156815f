//! Choosing what to fetch: the newest release a requirement admits (PEP 440), then its files.
//!
//! pip's rules where they matter for a scanner: pre-releases only when asked for (`--pre`),
//! named in the specifier, or when nothing else matches; yanked files only when the
//! requirement pins their version (PEP 592). By default every file of the release is taken:
//! an sdist and each wheel are built separately and can hide different code.

use std::collections::BTreeMap;
use std::str::FromStr;

use pep440_rs::Version;
use thiserror::Error;

use crate::page::{DistFile, FileKind, ProjectPage};
use crate::requirement::Requirement;

/// Which files to take from the chosen release.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only sdists, or only wheels; `None`: every file.
    pub only: Option<FileKind>,
    /// Consider pre-releases like finals.
    pub pre: bool,
}

/// The chosen release and its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub project: String,
    pub version: Version,
    pub files: Vec<DistFile>,
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SelectError {
    #[error("no version matches `{requirement}` (the index lists {available} versions)")]
    NoMatchingVersion {
        requirement: String,
        available: usize,
    },
    #[error("{project} {version} has no {what} file")]
    NoFiles {
        project: String,
        version: String,
        what: String,
    },
}

/// The newest release of `page` that `requirement` admits, with the files `selection` keeps.
pub fn choose_release(
    page: &ProjectPage,
    requirement: &Requirement,
    selection: &Selection,
) -> Result<Release, SelectError> {
    let mut releases: BTreeMap<Version, Vec<&DistFile>> = BTreeMap::new();
    for file in &page.files {
        if let Some(version) = file
            .version(&requirement.name)
            .and_then(|v| Version::from_str(&v).ok())
        {
            releases.entry(version).or_default().push(file);
        }
    }
    let pinned = requirement.pinned();
    let admitted = |version: &Version, files: &Vec<&DistFile>| {
        requirement.specifiers.contains(version)
            && (pinned.is_some() || files.iter().any(|f| f.yanked.is_none()))
    };
    let wants_pre = selection.pre || requirement.specifiers.iter().any(|s| s.any_prerelease());
    let newest = |allow_pre: bool| {
        releases
            .iter()
            .rev()
            .filter(|(v, _)| allow_pre || !(v.any_prerelease()))
            .find(|(v, files)| admitted(v, files))
    };
    let (version, files) = newest(wants_pre).or_else(|| newest(true)).ok_or_else(|| {
        SelectError::NoMatchingVersion {
            requirement: requirement.to_string(),
            available: releases.len(),
        }
    })?;
    let files: Vec<DistFile> = files
        .iter()
        .filter(|f| pinned.is_some() || f.yanked.is_none())
        .filter(|f| selection.only.is_none_or(|kind| f.kind() == kind))
        .map(|f| (*f).clone())
        .collect();
    if files.is_empty() {
        return Err(SelectError::NoFiles {
            project: requirement.name.clone(),
            version: version.to_string(),
            what: match selection.only {
                Some(FileKind::Sdist) => "sdist".into(),
                Some(FileKind::Wheel) => "wheel".into(),
                _ => "usable".into(),
            },
        });
    }
    Ok(Release {
        project: requirement.name.clone(),
        version: version.clone(),
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(files: &[(&str, bool)]) -> ProjectPage {
        ProjectPage {
            name: "demo".into(),
            files: files
                .iter()
                .map(|(name, yanked)| DistFile {
                    filename: name.to_string(),
                    yanked: yanked.then(String::new),
                    ..DistFile::default()
                })
                .collect(),
            ..ProjectPage::default()
        }
    }

    fn pick(
        p: &ProjectPage,
        req: &str,
        sel: &Selection,
    ) -> Result<(String, Vec<String>), SelectError> {
        let r = choose_release(p, &req.parse().unwrap(), sel)?;
        Ok((
            r.version.to_string(),
            r.files.into_iter().map(|f| f.filename).collect(),
        ))
    }

    #[test]
    fn pep440_choices() {
        let p = page(&[
            ("demo-1.0.tar.gz", false),
            ("demo-1.0-py3-none-any.whl", false),
            ("demo-1.1.tar.gz", false),
            ("demo-1.10.tar.gz", false),
            ("demo-2.0rc1.tar.gz", false),
            ("demo-1.11.tar.gz", true),
            ("demo-0.5.zip", false),
        ]);
        let all = Selection::default();
        let v = |req| pick(&p, req, &all).map(|(v, _)| v);
        assert_eq!(v("demo").unwrap(), "1.10");
        assert_eq!(
            v("demo==1.11").unwrap(),
            "1.11",
            "a pin takes a yanked release"
        );
        assert_eq!(v("demo>=1.0,!=1.10").unwrap(), "1.1");
        assert_eq!(v("demo==1.*").unwrap(), "1.10");
        assert_eq!(v("demo~=1.0").unwrap(), "1.10");
        assert_eq!(v("demo<1.0").unwrap(), "0.5");
        assert_eq!(v("demo<=1.0").unwrap(), "1.0");
        assert_eq!(v("demo>1.0,<1.10").unwrap(), "1.1");
        assert_eq!(v("demo===1.1").unwrap(), "1.1");
        assert_eq!(v("demo>=2.0rc1").unwrap(), "2.0rc1");
        assert_eq!(
            v("demo>1.10").unwrap(),
            "2.0rc1",
            "only a pre-release matches"
        );
        assert_eq!(
            pick(
                &p,
                "demo",
                &Selection {
                    pre: true,
                    only: None
                }
            )
            .unwrap()
            .0,
            "2.0rc1"
        );
        assert!(matches!(
            v("demo>=3"),
            Err(SelectError::NoMatchingVersion { available: 6, .. })
        ));
        let (_, files) = pick(&p, "demo==1.0", &all).unwrap();
        assert_eq!(files.len(), 2);
        let wheels = Selection {
            only: Some(FileKind::Wheel),
            pre: false,
        };
        assert_eq!(
            pick(&p, "demo==1.0", &wheels).unwrap().1,
            ["demo-1.0-py3-none-any.whl"]
        );
        assert!(matches!(
            pick(&p, "demo==1.1", &wheels),
            Err(SelectError::NoFiles { .. })
        ));
    }
}
