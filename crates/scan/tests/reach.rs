//! Reachability, one fixture package per edge kind and entry point (`tests/reach/<kind>/
//! <case>/`, see its README): the payload line marked `# PAYLOAD` must get the trigger
//! `expect.txt` names, and for a positive the chain must pass through the functions and
//! modules it lists, in order. Each case's payload finding and chain is also a snapshot
//! (`snapshots/reach__<kind>_<case>.snap`; accept changes with `INSTA_UPDATE=always`).

use std::path::{Path, PathBuf};

use malpi_python::Trigger;
use malpi_scan::{ScanOptions, scan_path};

struct Case {
    kind: String,
    name: String,
    dir: PathBuf,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reach")
}

fn cases(only: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for kind in subdirs(&root())
        .into_iter()
        .filter(|k| file_name(k) == only)
    {
        for case in subdirs(&kind) {
            out.push(Case {
                kind: file_name(&kind),
                name: file_name(&case),
                dir: case,
            });
        }
    }
    out
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// The file (relative, with `/`) and line of the one `# PAYLOAD` line of a case.
fn payload(dir: &Path) -> (String, u32) {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "py") {
                let text = std::fs::read_to_string(&p).unwrap();
                for (i, line) in text.lines().enumerate() {
                    if line.contains("# PAYLOAD") {
                        let rel = p
                            .strip_prefix(dir)
                            .unwrap()
                            .to_string_lossy()
                            .replace('\\', "/");
                        found.push((rel, i as u32 + 1));
                    }
                }
            }
        }
    }
    assert_eq!(found.len(), 1, "{}: one # PAYLOAD line", dir.display());
    found.pop().unwrap()
}

struct Expect {
    trigger: Trigger,
    through: Vec<String>,
}

fn expect(dir: &Path) -> Expect {
    let text = std::fs::read_to_string(dir.join("expect.txt")).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
    };
    let trigger = match field("trigger:").as_deref() {
        Some("install") => Trigger::Install,
        Some("import") => Trigger::Import,
        Some("runtime") => Trigger::Runtime,
        other => panic!("{}: trigger {other:?}", dir.display()),
    };
    let through = field("through:")
        .map(|t| t.split(" > ").map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    Expect { trigger, through }
}

/// How a name of `through:` shows in a chain: a qualname by its last part (`Post.run` is
/// written `Post.run (setup.py:9)`), a module by its dotted name.
fn shows(step: &str, name: &str) -> bool {
    let name = name.strip_suffix(".py").unwrap_or(name);
    // Python's qualnames say `<locals>` where malpi's nest directly.
    let name = &name.replace(".<locals>", "");
    step.contains(name)
        || name
            .rsplit(['.', ':'])
            .next()
            .is_some_and(|bare| step.contains(bare))
}

/// Every case of one kind gives its trigger and chain, and matches its snapshot.
fn check_kind(kind: &str) {
    let mut failures = Vec::new();
    let mut snapshots_differ = Vec::new();
    let cases = cases(kind);
    assert!(
        cases.iter().any(|c| c.name.starts_with("positive"))
            && cases.iter().any(|c| c.name.starts_with("near_miss")),
        "{kind}: a positive and a near-miss case"
    );
    for case in &cases {
        let (file, line) = payload(&case.dir);
        let want = expect(&case.dir);
        let report = scan_path(&case.dir, &ScanOptions::default());
        let abs = std::path::absolute(&case.dir)
            .unwrap()
            .display()
            .to_string();
        let finding = report.findings.iter().find(|f| {
            let path = f.path.replace('\\', "/");
            f.line == line && (path == file || path.ends_with(&format!("/{file}")))
        });
        let id = format!("{}/{}", case.kind, case.name);
        let Some(finding) = finding else {
            failures.push(format!("{id}: no finding at {file}:{line}"));
            continue;
        };
        if finding.trigger != Some(want.trigger) {
            failures.push(format!(
                "{id}: trigger {:?}, expected {:?}",
                finding.trigger, want.trigger
            ));
        }
        let steps: Vec<String> = finding.reached_by.iter().map(|s| s.what.clone()).collect();
        if !want.through.is_empty() {
            // Every named hop after the entry shows in the chain, in order.
            let mut at = 0;
            for name in want.through.iter().skip(1) {
                match steps[at..].iter().position(|s| shows(s, name)) {
                    // One step can show several names (`passes f to g`).
                    Some(p) => at += p,
                    None => {
                        failures.push(format!("{id}: chain {steps:?} does not show {name}"));
                        break;
                    }
                }
            }
        }
        let mut text = format!(
            "{} {}:{} [{}]",
            finding.rule,
            file,
            line,
            finding.trigger.map_or("-", |t| t.as_str())
        );
        for s in &finding.reached_by {
            let path = s.path.replace(&format!("{abs}/"), "");
            text.push_str(&format!("\n  {path}:{}  {}", s.line, s.what));
        }
        let text = text.replace(&abs, "<case>");
        let name = format!("{}_{}", case.kind, case.name);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut settings = insta::Settings::clone_current();
            settings.set_omit_expression(true);
            settings.bind(|| insta::assert_snapshot!(name.as_str(), text))
        }));
        if outcome.is_err() {
            snapshots_differ.push(name);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        snapshots_differ.is_empty(),
        "snapshots differ: {}",
        snapshots_differ.join(", ")
    );
}

macro_rules! kinds {
    ($($kind:ident),* $(,)?) => {
        const KINDS: &[&str] = &[$(stringify!($kind)),*];
        $(
            #[test]
            fn $kind() {
                check_kind(stringify!($kind));
            }
        )*
    };
}

kinds!(
    absolute_import,
    alias,
    asyncio,
    atexit,
    build_backend,
    callback,
    class_body,
    console_script,
    context_manager,
    cross_module,
    decorator,
    decorator_factory,
    del_method,
    direct_call,
    excepthook,
    exec_file,
    executor,
    getattr_const,
    import_module,
    init_new,
    init_subclass,
    instance_method,
    main_guard,
    metaclass,
    module_getattr,
    process,
    pth,
    reexport,
    runpy,
    self_method,
    settrace,
    setup_cmdclass,
    setup_imports_local,
    signal,
    sitecustomize,
    subprocess_self,
    tests_aux,
    thread,
    timer,
);

/// A kind added as a folder must get its test here.
#[test]
fn every_fixture_folder_is_a_tested_kind() {
    let folders: Vec<String> = subdirs(&root()).iter().map(|d| file_name(d)).collect();
    let untested: Vec<&String> = folders
        .iter()
        .filter(|f| !KINDS.contains(&f.as_str()))
        .collect();
    assert!(untested.is_empty(), "add to kinds!(…): {untested:?}");
}
