//! Slow servers: an index or file host that sends a byte now and then never trips the
//! per-read timeout, so every request also has an overall deadline and every body a
//! minimum rate. The loopback server trickles; the test shrinks the limits to about a
//! second so it stays fast.

mod support;

use std::time::{Duration, Instant};

use malpi_index::{
    Cache, Client, ClientConfig, FetchOptions, Fetcher, HttpError, Index, IndexError,
};
use support::{Published, Route, Server, publish, sdist};

/// Per-read timeout far above the trickle's pace: only the new limits can end a request.
fn patient(deadline: Duration, min_rate: u64) -> ClientConfig {
    ClientConfig {
        read_timeout: Duration::from_secs(30),
        deadline,
        download_deadline: deadline,
        min_rate,
        rate_window: Duration::from_millis(800),
        retries: 0,
        backoff: Duration::from_millis(10),
        ..ClientConfig::default()
    }
}

fn trickle(headers_too: bool, bytes: usize) -> Route {
    Route::Trickle {
        every: Duration::from_millis(100),
        headers_too,
        body: vec![b'x'; bytes],
    }
}

#[test]
fn a_page_trickled_header_by_header_hits_the_deadline() {
    let server = Server::start();
    server.route("/simple/drip/", trickle(true, 10));
    // No rate check: the headers alone are slow, the deadline ends it.
    let client = Client::new(patient(Duration::from_millis(1200), 0));
    let started = Instant::now();
    let err = Index::new(&server.url("/simple/"), client)
        .project("drip")
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(err, IndexError::Http(HttpError::Timeout { .. })),
        "{err:?}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn a_page_body_trickled_hits_the_deadline_or_the_rate() {
    let server = Server::start();
    server.route("/simple/drip/", trickle(false, 100_000));
    for (config, slow) in [
        // The deadline alone.
        (patient(Duration::from_millis(1200), 0), false),
        // The rate alone (10 bytes/s arrive, 1 KiB/s is asked for).
        (patient(Duration::from_secs(60), 1024), true),
    ] {
        let started = Instant::now();
        let err = Index::new(&server.url("/simple/"), Client::new(config))
            .project("drip")
            .unwrap_err();
        let took = started.elapsed();
        match (&err, slow) {
            (IndexError::Http(HttpError::TooSlow { min_rate, .. }), true) => {
                assert_eq!(*min_rate, 1024);
                assert!(err.to_string().contains("too slow"), "{err}");
            }
            (IndexError::Http(HttpError::Timeout { .. }), false) => {}
            _ => panic!("unexpected {err:?}"),
        }
        assert!(took < Duration::from_secs(3), "{took:?}");
    }
}

#[test]
fn a_trickled_download_fails_as_a_timeout_and_retries_stay_bounded() {
    let server = Server::start();
    let bytes = sdist("drip", "1.0", "pass\n");
    publish(
        &server,
        "drip",
        &[Published::new("drip-1.0.tar.gz", bytes.clone())],
    );
    server.route(
        "/files/drip-1.0.tar.gz",
        Route::Trickle {
            every: Duration::from_millis(100),
            headers_too: false,
            body: bytes,
        },
    );
    let cache = tempfile::tempdir().unwrap();
    let config = ClientConfig {
        retries: 1,
        ..patient(Duration::from_secs(60), 1024)
    };
    let fetcher = Fetcher::new(
        vec![Index::new(&server.url("/simple/"), Client::new(config))],
        Cache::new(cache.path()),
        FetchOptions::default(),
    );
    let started = Instant::now();
    let out = fetcher.fetch_all(&["drip".parse().unwrap()], &|_| {});
    let took = started.elapsed();
    assert_eq!(out[0].errors.len(), 1, "{:?}", out[0].errors);
    assert_eq!(out[0].errors[0].kind(), "timeout", "{}", out[0].errors[0]);
    assert!(out[0].errors[0].to_string().contains("too slow"));
    // Two attempts of about one rate window each.
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert_eq!(server.seen("/files/drip-1.0.tar.gz").len(), 2);
}

#[test]
fn the_defaults_bound_every_request() {
    let c = ClientConfig::default();
    assert!(c.deadline <= Duration::from_secs(300));
    assert!(c.download_deadline >= c.deadline);
    assert!(c.min_rate > 0 && c.rate_window <= Duration::from_secs(60));
}
