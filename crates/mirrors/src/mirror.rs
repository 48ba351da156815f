//! Mirrors by name, from `NAME=URL` or the built-in preset.

use thiserror::Error;

/// A package index to check, under the name its observations are stored with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mirror {
    pub name: String,
    /// Simple Repository API root (`https://pypi.org/simple/`).
    pub url: String,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MirrorError {
    #[error(
        "`{0}`: give a mirror as NAME=URL (e.g. tuna=https://pypi.tuna.tsinghua.edu.cn/simple/)"
    )]
    NotNameUrl(String),
    #[error("`{0}`: a mirror name is letters, digits, `-`, `_` and `.`")]
    BadName(String),
    #[error("`{0}`: not an http(s) URL")]
    BadUrl(String),
}

impl Mirror {
    pub fn new(name: &str, url: &str) -> Mirror {
        Mirror {
            name: name.into(),
            url: url.into(),
        }
    }

    /// `NAME=URL`.
    pub fn parse(spec: &str) -> Result<Mirror, MirrorError> {
        let (name, url) = spec
            .split_once('=')
            .ok_or_else(|| MirrorError::NotNameUrl(spec.into()))?;
        let (name, url) = (name.trim(), url.trim());
        let name_ok = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !name_ok {
            return Err(MirrorError::BadName(name.into()));
        }
        if host_of(url).is_none() {
            return Err(MirrorError::BadUrl(url.into()));
        }
        Ok(Mirror::new(name, url))
    }
}

/// The lower-case `host[:port]` of an http(s) URL: requests are limited per host.
pub fn host_of(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    (!host.is_empty()).then(|| host.to_string())
}

/// PyPI and thirteen public mirrors, as their operators publish them for `pip -i`.
///
/// Where the list comes from: the study ("An Empirical Study of Malicious Code In PyPI
/// Ecosystem", ASE 2023) probed PyPI and 13 mirrors in 6 countries without this crate
/// having its exact list at hand; these are the best-known public Simple-API mirrors — the
/// Chinese university and cloud mirrors from each operator's own help page (mirrors.tuna,
/// mirrors.ustc, mirrors.bfsu, mirror.nju, mirror.sjtu, developer.aliyun, cloud.tencent,
/// huaweicloud, doubanio, mirrors.163, mirrors.sustech), Kakao's in Korea and Yamagata
/// University's in Japan. URLs as of 2026-11; a mirror that moved answers with an error,
/// which the check records as such. Tests never use this list.
pub fn study_preset() -> Vec<Mirror> {
    [
        ("pypi", "https://pypi.org/simple/"),
        ("tsinghua", "https://pypi.tuna.tsinghua.edu.cn/simple/"),
        ("aliyun", "https://mirrors.aliyun.com/pypi/simple/"),
        ("tencent", "https://mirrors.cloud.tencent.com/pypi/simple/"),
        (
            "huawei",
            "https://repo.huaweicloud.com/repository/pypi/simple/",
        ),
        ("ustc", "https://mirrors.ustc.edu.cn/pypi/simple/"),
        ("bfsu", "https://mirrors.bfsu.edu.cn/pypi/web/simple/"),
        ("douban", "https://pypi.doubanio.com/simple/"),
        ("nju", "https://mirror.nju.edu.cn/pypi/web/simple/"),
        ("sjtu", "https://mirror.sjtu.edu.cn/pypi/web/simple/"),
        ("netease", "https://mirrors.163.com/pypi/simple/"),
        ("sustech", "https://mirrors.sustech.edu.cn/pypi/web/simple/"),
        ("kakao", "https://mirror.kakao.com/pypi/simple/"),
        ("yamagata", "https://ftp.yz.yamagata-u.ac.jp/pypi/simple/"),
    ]
    .into_iter()
    .map(|(name, url)| Mirror::new(name, url))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_and_hosts() {
        let m = Mirror::parse("tuna=https://pypi.tuna.tsinghua.edu.cn/simple/").unwrap();
        assert_eq!(m.name, "tuna");
        assert_eq!(
            host_of("HTTP://user:pw@127.0.0.1:8080/simple/").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert!(matches!(
            Mirror::parse("x=ftp://h/"),
            Err(MirrorError::BadUrl(_))
        ));
        assert!(matches!(
            Mirror::parse("a b=https://h/"),
            Err(MirrorError::BadName(_))
        ));
        assert!(matches!(
            Mirror::parse("https://h/"),
            Err(MirrorError::NotNameUrl(_))
        ));
        let preset = study_preset();
        assert_eq!(preset.len(), 14);
        assert!(preset.iter().all(|m| host_of(&m.url).is_some()));
    }
}
