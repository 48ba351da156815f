//! malpi-index against a real HTTP/1.1 server on loopback serving a fixture index in both
//! flavours (PEP 691 JSON by content negotiation, PEP 503 HTML).

mod support;

use std::time::Duration;

use malpi_index::{
    Cache, Client, ClientConfig, FetchError, FetchOptions, Fetcher, FileKind, HttpError, Index,
    IndexError, Requirement, SelectError, Selection,
};
use support::{Published, Route, Server, publish, sdist, sha256_hex, wheel};

fn client() -> Client {
    Client::new(ClientConfig {
        backoff: Duration::from_millis(10),
        read_timeout: Duration::from_secs(5),
        ..ClientConfig::default()
    })
}

/// The fixture index: projects with every case the client must handle.
fn fixture_server() -> Server {
    let server = Server::start();
    let mut absolute_wheel = Published::new(
        "good-1.0-py3-none-any.whl",
        wheel("good", "1.0", "VALUE = 1\n"),
    );
    absolute_wheel.absolute = true;
    let mut yanked = Published::new("good-1.1.tar.gz", sdist("good", "1.1", "print('bad')\n"));
    yanked.yanked = true;
    publish(
        &server,
        "good",
        &[
            Published::new("good-0.9.tar.gz", sdist("good", "0.9", "pass\n")),
            Published::new("good-1.0.tar.gz", sdist("good", "1.0", "pass\n")),
            absolute_wheel,
            yanked,
            Published::new("good-2.0b1.tar.gz", sdist("good", "2.0b1", "pass\n")),
        ],
    );
    let mut wrong = Published::new("badhash-1.0.tar.gz", sdist("badhash", "1.0", "pass\n"));
    wrong.wrong_hash = true;
    publish(&server, "badhash", &[wrong]);
    let mut missing = Published::new("gone-1.0.tar.gz", sdist("gone", "1.0", "pass\n"));
    missing.missing = true;
    publish(&server, "gone", &[missing]);
    publish(
        &server,
        "flaky",
        &[Published::new(
            "flaky-1.0.tar.gz",
            sdist("flaky", "1.0", "pass\n"),
        )],
    );
    server.fail_first("/simple/flaky/", 1);
    server.fail_first("/files/flaky-1.0.tar.gz", 2);
    // Large enough to be cut in the middle of the body: incompressible bytes in a tarball.
    let noise: String = (0..200_000u32)
        .map(|i| char::from(b'a' + (i.wrapping_mul(2_654_435_761) >> 27) as u8 % 26))
        .collect();
    publish(
        &server,
        "resume",
        &[Published::new(
            "resume-1.0.tar.gz",
            sdist("resume", "1.0", &noise),
        )],
    );
    server.truncate_first("/files/resume-1.0.tar.gz", 1);
    // The same cut, from a server that ignores Range: the download starts over.
    publish(
        &server,
        "restart",
        &[Published::new(
            "restart-1.0.tar.gz",
            sdist("restart", "1.0", &noise),
        )],
    );
    server.truncate_first("/files/restart-1.0.tar.gz", 1);
    server.ignore_ranges("/files/restart-1.0.tar.gz");
    // A project page that moved: the links on the final page are relative to it.
    server.route(
        "/simple/moved/",
        Route::Redirect("/mirror/simple/moved/".into()),
    );
    let moved = sdist("moved", "3.0", "pass\n");
    server.file("/files/moved-3.0.tar.gz", moved.clone());
    server.route(
        "/mirror/simple/moved/",
        Route::Body {
            content_type: "text/html".into(),
            body: format!(
                "<a href=\"../../../files/moved-3.0.tar.gz#sha256={}\">moved-3.0.tar.gz</a>",
                sha256_hex(&moved)
            )
            .into_bytes(),
        },
    );
    server.route(
        "/pypi/good/1.0/json",
        Route::Body {
            content_type: "application/json".into(),
            body: br#"{"info":{"name":"good","version":"1.0","summary":"A good one"},
              "urls":[{"filename":"good-1.0.tar.gz","url":"x","upload_time_iso_8601":"2024-05-01T10:00:00.000000Z",
                       "digests":{"sha256":"00"},"yanked":false}]}"#
                .to_vec(),
        },
    );
    server
}

fn req(s: &str) -> Requirement {
    s.parse().unwrap()
}

#[test]
fn json_and_html_flavours_list_the_same_files() {
    let server = fixture_server();
    let json = Index::new(&server.url("/simple/"), client())
        .project("Good")
        .unwrap();
    let seen = server.seen("/simple/good/");
    assert!(
        seen[0]
            .accept
            .starts_with("application/vnd.pypi.simple.v1+json"),
        "{seen:?}"
    );
    let html = Index::new(&server.url("/html/simple"), client())
        .project("good")
        .unwrap();
    assert_eq!(json.name, "good");
    assert_eq!(json.api_version.as_deref(), Some("1.1"));
    assert_eq!(html.api_version.as_deref(), Some("1.1"));
    assert_eq!(json.files.len(), 5);
    assert_eq!(json.files, html.files, "the two flavours must agree");
    let first = &json.files[1];
    assert_eq!(
        first.url,
        server.url("/files/good-1.0.tar.gz"),
        "relative link resolved"
    );
    assert_eq!(first.requires_python.as_deref(), Some(">=3.8"));
    assert_eq!(first.sha256.as_ref().map(String::len), Some(64));
    assert_eq!(
        json.files[2].url,
        server.url("/files/good-1.0-py3-none-any.whl")
    );
    assert_eq!(json.files[3].yanked.as_deref(), Some(""));
    assert_eq!(json.files[2].kind(), FileKind::Wheel);
}

#[test]
fn missing_projects_redirects_and_the_json_api() {
    let server = fixture_server();
    let index = Index::new(&server.url("/simple/"), client());
    let err = index.project("no-such-project").unwrap_err();
    assert!(
        matches!(err, IndexError::NotFound { status: 404, .. }),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(404));

    let moved = index.project("moved").unwrap();
    assert_eq!(
        moved.url,
        server.url("/mirror/simple/moved/"),
        "final URL after the redirect"
    );
    assert_eq!(moved.files[0].url, server.url("/files/moved-3.0.tar.gz"));

    let info = index.release_info("good", Some("1.0")).unwrap().unwrap();
    assert_eq!(info.summary.as_deref(), Some("A good one"));
    assert_eq!(
        info.files[0].upload_time.as_deref(),
        Some("2024-05-01T10:00:00.000000Z")
    );
    assert_eq!(info.files[0].sha256, None, "a malformed digest is dropped");
    assert_eq!(index.release_info("good", Some("9.9")).unwrap(), None);
    let no_api = Index::new(&server.url("/html/simple/"), client());
    assert_eq!(no_api.release_info("good", None).unwrap(), None);

    // Probes: how each URL answers, as data (what mirror checks record).
    let c = client();
    let served = c.probe(&server.url("/files/good-1.0.tar.gz")).unwrap();
    assert_eq!(served.status, 200);
    assert!(served.content_length.is_some_and(|n| n > 0));
    assert_eq!(
        c.probe(&server.url("/files/gone-1.0.tar.gz"))
            .unwrap()
            .status,
        404
    );
    let moved = c.probe(&server.url("/simple/moved/")).unwrap();
    assert_eq!(
        (moved.status, moved.url),
        (200, server.url("/mirror/simple/moved/"))
    );
    let refused = c.probe("http://127.0.0.1:1/simple/").unwrap_err();
    assert!(matches!(refused, HttpError::Connect { .. }), "{refused:?}");
}

#[test]
fn fetch_many_with_a_typed_error_per_package() {
    let server = fixture_server();
    let cache_dir = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(
        vec![
            Index::new(&server.url("/html/simple/"), client()),
            Index::new(&server.url("/simple/"), client()),
        ],
        Cache::new(cache_dir.path()),
        FetchOptions::default(),
    );
    let reqs: Vec<Requirement> = [
        "good",
        "good==1.1",
        "badhash",
        "gone",
        "no-such",
        "flaky",
        "resume",
        "good>=9",
        "moved",
        "restart",
    ]
    .iter()
    .map(|s| req(s))
    .collect();
    let events = std::sync::Mutex::new(Vec::new());
    let outcomes = fetcher.fetch_all(&reqs, &|e| events.lock().unwrap().push(e));
    let errors = |i: usize| -> Vec<&'static str> {
        outcomes[i].errors.iter().map(FetchError::kind).collect()
    };

    // good: newest final, not yanked, not a pre-release; every file of the release.
    assert_eq!(outcomes[0].version.as_deref(), Some("1.0"));
    assert_eq!(
        outcomes[0].index.as_deref(),
        Some(server.url("/html/simple/").as_str())
    );
    let mut names: Vec<_> = outcomes[0]
        .files
        .iter()
        .map(|f| f.file.filename.as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["good-1.0-py3-none-any.whl", "good-1.0.tar.gz"]);
    for f in &outcomes[0].files {
        assert!(f.verified && !f.from_cache);
        assert_eq!(sha256_hex(&std::fs::read(&f.path).unwrap()), f.sha256);
        assert_eq!(
            f.path,
            Cache::new(cache_dir.path()).path_for(&f.sha256).unwrap()
        );
    }
    // A pin takes the yanked release.
    assert_eq!(outcomes[1].version.as_deref(), Some("1.1"));
    assert_eq!(outcomes[1].files.len(), 1);
    // Wrong hash: a typed error, and nothing kept.
    assert_eq!(errors(2), ["hash-mismatch"]);
    assert!(outcomes[2].files.is_empty());
    let leftovers: Vec<_> = walk(cache_dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The file 404s; the project is on neither index; no version matches.
    assert_eq!(errors(3), ["not-found"]);
    assert!(matches!(
        &outcomes[3].errors[0],
        FetchError::Http(HttpError::Status { status: 404, .. })
    ));
    assert!(
        matches!(&outcomes[4].errors[0], FetchError::NotFound { indexes, .. } if indexes.len() == 2)
    );
    // 503s are retried (page once, file twice).
    assert_eq!(errors(5), Vec::<&str>::new());
    assert_eq!(server.seen("/files/flaky-1.0.tar.gz").len(), 3);
    // A body cut in the middle is resumed with a Range request.
    assert!(outcomes[6].errors.is_empty(), "{:?}", outcomes[6].errors);
    let resume_requests = server.seen("/files/resume-1.0.tar.gz");
    assert_eq!(resume_requests.len(), 2);
    assert!(
        resume_requests[1]
            .range
            .as_deref()
            .is_some_and(|r| r != "bytes=0-"),
        "{resume_requests:?}"
    );
    assert!(matches!(
        &outcomes[7].errors[0],
        FetchError::Select(SelectError::NoMatchingVersion { .. })
    ));
    // Redirected page, relative link.
    assert_eq!(outcomes[8].files.len(), 1);
    // Range ignored: the whole file again, written over the partial one, verified.
    assert!(outcomes[9].errors.is_empty(), "{:?}", outcomes[9].errors);
    let restart_requests = server.seen("/files/restart-1.0.tar.gz");
    assert_eq!(restart_requests.len(), 2);
    assert!(restart_requests[1].range.is_some());
    let events = events.into_inner().unwrap();
    assert_eq!(events.len(), 8 + 9, "8 resolved, 9 files tried: {events:?}");

    // Again: everything that was fetched comes from the cache, without a request; a file
    // asked for twice in one run is downloaded once.
    let before = server.seen("/files/good-1.0.tar.gz").len();
    assert_eq!(before, 1);
    let again = fetcher.fetch_all(&[req("good==1.0"), req("good")], &|_| {});
    assert!(again.iter().flat_map(|o| &o.files).all(|f| f.from_cache));
    assert_eq!(again[1].files.len(), 2);
    assert_eq!(server.seen("/files/good-1.0.tar.gz").len(), before);
    let fresh_cache = tempfile::tempdir().unwrap();
    let twice = Fetcher::new(
        vec![Index::new(&server.url("/simple/"), client())],
        Cache::new(fresh_cache.path()),
        FetchOptions::default(),
    )
    .fetch_all(&[req("good"), req("good==1.0")], &|_| {});
    assert_eq!(twice[0].files.len() + twice[1].files.len(), 4);
    assert_eq!(server.seen("/files/good-1.0.tar.gz").len(), before + 1);
}

#[test]
fn limits_and_spent_retries_are_errors() {
    let server = fixture_server();
    let cache_dir = tempfile::tempdir().unwrap();
    let tiny = Client::new(ClientConfig {
        max_file_bytes: 100,
        ..ClientConfig::default()
    });
    let fetcher = Fetcher::new(
        vec![Index::new(&server.url("/simple/"), tiny)],
        Cache::new(cache_dir.path()),
        FetchOptions {
            selection: Selection {
                only: Some(FileKind::Sdist),
                pre: false,
            },
            jobs: 2,
        },
    );
    let out = fetcher.fetch_all(&[req("good")], &|_| {});
    assert_eq!(out[0].errors.len(), 1, "only the sdist was chosen");
    assert_eq!(out[0].errors[0].kind(), "too-large");

    server.fail_first("/simple/flaky/", 10);
    let impatient = Client::new(ClientConfig {
        retries: 1,
        backoff: Duration::from_millis(1),
        ..ClientConfig::default()
    });
    let err = Index::new(&server.url("/simple/"), impatient)
        .project("flaky")
        .unwrap_err();
    assert_eq!(err.status(), Some(503));

    server.route("/simple/slow/", Route::Stall(Duration::from_secs(3)));
    let hasty = Client::new(ClientConfig {
        retries: 0,
        read_timeout: Duration::from_millis(300),
        ..ClientConfig::default()
    });
    let started = std::time::Instant::now();
    let err = Index::new(&server.url("/simple/"), hasty)
        .project("slow")
        .unwrap_err();
    assert!(
        matches!(err, IndexError::Http(HttpError::Timeout { .. })),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
