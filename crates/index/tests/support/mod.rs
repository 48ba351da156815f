//! Test support: a real HTTP/1.1 server on 127.0.0.1:0 (std `TcpListener`, one thread per
//! connection), serving a package index the test builds, plus small real sdists and wheels.
//! Shared by `crates/index/tests` and the CLI tests (`#[path]`-included).
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

/// What the server does at one path.
#[derive(Clone, Debug)]
pub enum Route {
    /// A body with its Content-Type; Range requests are honoured.
    Body {
        content_type: String,
        body: Vec<u8>,
    },
    /// An HTML and a JSON flavour of a project page, chosen by the Accept header (PEP 691).
    Negotiated {
        html: String,
        json: String,
    },
    Redirect(String),
    Status(u16),
    /// Say nothing for this long, then 200 (to test timeouts).
    Stall(std::time::Duration),
    /// A 200 sent one byte at a time, a byte every `every` (headers too with
    /// `headers_too`): each read gets something, so only a deadline or a minimum rate
    /// ends it. Stops when the client hangs up.
    Trickle {
        every: std::time::Duration,
        headers_too: bool,
        body: Vec<u8>,
    },
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub accept: String,
    pub range: Option<String>,
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    /// Path → answers still to fail with 503.
    fail_first: HashMap<String, u32>,
    /// Path → answers still to cut off half-way (to test resuming).
    truncate_first: HashMap<String, u32>,
    /// Paths answered whole (200) even to a Range request.
    ignore_ranges: Vec<String>,
    seen: Vec<Seen>,
}

#[derive(Clone)]
pub struct Server {
    pub base: String,
    state: Arc<Mutex<State>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &state);
                });
            }
        });
        Server { base, state }
    }

    pub fn route(&self, path: &str, route: Route) {
        self.state.lock().unwrap().routes.insert(path.into(), route);
    }

    pub fn file(&self, path: &str, body: Vec<u8>) {
        self.route(
            path,
            Route::Body {
                content_type: "application/octet-stream".into(),
                body,
            },
        );
    }

    pub fn fail_first(&self, path: &str, times: u32) {
        self.state
            .lock()
            .unwrap()
            .fail_first
            .insert(path.into(), times);
    }

    pub fn truncate_first(&self, path: &str, times: u32) {
        self.state
            .lock()
            .unwrap()
            .truncate_first
            .insert(path.into(), times);
    }

    pub fn ignore_ranges(&self, path: &str) {
        self.state.lock().unwrap().ignore_ranges.push(path.into());
    }

    pub fn seen(&self, path: &str) -> Vec<Seen> {
        let state = self.state.lock().unwrap();
        state
            .seen
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let seen = Seen {
        path: path.clone(),
        accept: headers.get("accept").cloned().unwrap_or_default(),
        range: headers.get("range").cloned(),
    };
    let (route, fail, truncate, ranges) = {
        let mut s = state.lock().unwrap();
        s.seen.push(seen.clone());
        let fail = take_one(&mut s.fail_first, &path);
        let truncate = take_one(&mut s.truncate_first, &path);
        let ranges = !s.ignore_ranges.contains(&path);
        (s.routes.get(&path).cloned(), fail, truncate, ranges)
    };
    let mut out = stream;
    if fail {
        return respond(&mut out, 503, "text/plain", &[], b"try later");
    }
    match route {
        None => respond(&mut out, 404, "text/plain", &[], b"not found"),
        Some(Route::Stall(pause)) => {
            std::thread::sleep(pause);
            respond(&mut out, 200, "text/html", &[], b"late")
        }
        Some(Route::Trickle {
            every,
            headers_too,
            body,
        }) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            if headers_too {
                for b in head.bytes() {
                    out.write_all(&[b])?;
                    out.flush()?;
                    std::thread::sleep(every);
                }
            } else {
                out.write_all(head.as_bytes())?;
            }
            for b in body {
                out.write_all(&[b])?;
                out.flush()?;
                std::thread::sleep(every);
            }
            Ok(())
        }
        Some(Route::Status(code)) => respond(&mut out, code, "text/plain", &[], b"no"),
        Some(Route::Redirect(to)) => respond(&mut out, 301, "text/plain", &[("Location", to)], b""),
        Some(Route::Negotiated { html, json }) => {
            if seen.accept.contains("application/vnd.pypi.simple.v1+json") {
                respond(
                    &mut out,
                    200,
                    "application/vnd.pypi.simple.v1+json",
                    &[],
                    json.as_bytes(),
                )
            } else {
                respond(
                    &mut out,
                    200,
                    "text/html; charset=utf-8",
                    &[],
                    html.as_bytes(),
                )
            }
        }
        Some(Route::Body { content_type, body }) => {
            let from = seen
                .range
                .as_deref()
                .filter(|_| ranges)
                .and_then(|r| r.strip_prefix("bytes="))
                .and_then(|r| r.strip_suffix('-'))
                .and_then(|n| n.parse::<usize>().ok());
            match from {
                Some(from) if from >= body.len() => respond(&mut out, 416, "text/plain", &[], b""),
                Some(from) => {
                    let range = format!("bytes {from}-{}/{}", body.len() - 1, body.len());
                    respond(
                        &mut out,
                        206,
                        &content_type,
                        &[("Content-Range", range)],
                        &body[from..],
                    )
                }
                None if truncate => {
                    // Promise the whole body, send half, hang up.
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    out.write_all(head.as_bytes())?;
                    out.write_all(&body[..body.len() / 2])?;
                    out.flush()
                }
                None => respond(&mut out, 200, &content_type, &[], &body),
            }
        }
    }
}

fn take_one(counts: &mut HashMap<String, u32>, path: &str) -> bool {
    match counts.get_mut(path) {
        Some(n) if *n > 0 => {
            *n -= 1;
            true
        }
        _ => false,
    }
}

fn respond(
    out: &mut TcpStream,
    status: u16,
    content_type: &str,
    extra: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(body)?;
    out.flush()?;
    // Let the client read everything before the socket closes.
    let _ = out.set_read_timeout(Some(std::time::Duration::from_secs(2)));
    let _ = out.shutdown(std::net::Shutdown::Write);
    let mut sink = [0u8; 256];
    let _ = out.read(&mut sink);
    Ok(())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A small real sdist: `NAME-VERSION/setup.py` and `PKG-INFO` in a .tar.gz.
pub fn sdist(name: &str, version: &str, setup_py: &str) -> Vec<u8> {
    let root = format!("{name}-{version}");
    let pkg_info = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n");
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (path, data) in [
        (format!("{root}/setup.py"), setup_py.as_bytes()),
        (format!("{root}/PKG-INFO"), pkg_info.as_bytes()),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, path, data).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

/// A small real wheel: a module and its dist-info METADATA.
pub fn wheel(name: &str, version: &str, module: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let dist_info = format!("{name}-{version}.dist-info");
    for (path, data) in [
        (format!("{name}/__init__.py"), module.to_string()),
        (
            format!("{dist_info}/METADATA"),
            format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"),
        ),
        (
            format!("{dist_info}/WHEEL"),
            "Wheel-Version: 1.0\n".to_string(),
        ),
    ] {
        zip.start_file(path, options).unwrap();
        zip.write_all(data.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// One file of a fixture project, as the index will list it.
#[derive(Clone, Debug)]
pub struct Listed {
    pub filename: String,
    /// As written in the page (relative or absolute).
    pub href: String,
    /// Written into the page (may be a wrong one on purpose).
    pub sha256: Option<String>,
    pub yanked: bool,
}

/// The PEP 503 HTML page of a project.
pub fn html_page(name: &str, files: &[Listed]) -> String {
    let mut page = format!(
        "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\"><title>Links for {name}</title></head><body><h1>Links for {name}</h1>\n"
    );
    for f in files {
        let hash = f
            .sha256
            .as_deref()
            .map(|h| format!("#sha256={h}"))
            .unwrap_or_default();
        let yanked = if f.yanked { " data-yanked=\"\"" } else { "" };
        page.push_str(&format!(
            "<a href=\"{}{hash}\" data-requires-python=\"&gt;=3.8\"{yanked}>{}</a><br/>\n",
            f.href, f.filename
        ));
    }
    page.push_str("</body></html>\n");
    page
}

/// The PEP 691 JSON page of a project.
pub fn json_page(name: &str, files: &[Listed]) -> String {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|f| {
            let mut hashes = serde_json::Map::new();
            if let Some(h) = &f.sha256 {
                hashes.insert("sha256".into(), h.clone().into());
            }
            serde_json::json!({
                "filename": f.filename,
                "url": f.href,
                "hashes": hashes,
                "requires-python": ">=3.8",
                "yanked": f.yanked,
            })
        })
        .collect();
    serde_json::json!({"meta": {"api-version": "1.1"}, "name": name, "files": files}).to_string()
}

/// A file to publish on the fixture index.
pub struct Published {
    pub filename: String,
    pub bytes: Vec<u8>,
    /// Write this hash in the index instead of the true one.
    pub wrong_hash: bool,
    pub yanked: bool,
    /// Listed but not served (a 404 on download).
    pub missing: bool,
    /// Linked by absolute URL rather than a relative one.
    pub absolute: bool,
}

impl Published {
    pub fn new(filename: &str, bytes: Vec<u8>) -> Published {
        Published {
            filename: filename.into(),
            bytes,
            wrong_hash: false,
            yanked: false,
            missing: false,
            absolute: false,
        }
    }
}

/// Serve `files` of `project` under `/files/`, and its page on the two indexes:
/// `/simple/` (HTML or JSON by Accept) and `/html/simple/` (HTML only).
pub fn publish(server: &Server, project: &str, files: &[Published]) {
    let listed = |up: &str| -> Vec<Listed> {
        files
            .iter()
            .map(|f| Listed {
                filename: f.filename.clone(),
                href: if f.absolute {
                    server.url(&format!("/files/{}", f.filename))
                } else {
                    format!("{up}files/{}", f.filename)
                },
                sha256: Some(if f.wrong_hash {
                    sha256_hex(b"something else")
                } else {
                    sha256_hex(&f.bytes)
                }),
                yanked: f.yanked,
            })
            .collect()
    };
    for f in files.iter().filter(|f| !f.missing) {
        server.file(&format!("/files/{}", f.filename), f.bytes.clone());
    }
    let listed_here = listed("../../");
    server.route(
        &format!("/simple/{project}/"),
        Route::Negotiated {
            html: html_page(project, &listed_here),
            json: json_page(project, &listed_here),
        },
    );
    server.route(
        &format!("/html/simple/{project}/"),
        Route::Body {
            content_type: "text/html".into(),
            body: html_page(project, &listed("../../../")).into_bytes(),
        },
    );
}
