use malpi_python::{FileRole, Trigger, analyze};

use super::*;

fn package(files: &[(&str, &str)]) -> Vec<FileFacts> {
    files
        .iter()
        .map(|(path, code)| {
            let role = if path.ends_with("/setup.py") {
                FileRole::SetupPy
            } else if path.contains("/tests/") {
                FileRole::Auxiliary
            } else {
                FileRole::Module
            };
            analyze(path, code.as_bytes(), role)
        })
        .collect()
}

fn system_trigger(files: &[FileFacts]) -> Vec<(String, Trigger)> {
    files
        .iter()
        .flat_map(|f| {
            f.calls
                .iter()
                .filter(|c| c.name == "os.system")
                .map(move |c| (f.path.clone(), c.trigger))
        })
        .collect()
}

fn run(files: &[(&str, &str)]) -> Vec<FileFacts> {
    run_with_program(files).0
}

fn run_with_program(files: &[(&str, &str)]) -> (Vec<FileFacts>, Program) {
    let mut files = package(files);
    let program = Program::build(&files, &Entries::default(), MAX_EDGES);
    program.apply(&mut files);
    (files, program)
}

#[test]
fn a_thread_started_at_import_runs_at_import_across_modules() {
    let (files, program) = run_with_program(&[
        (
            "p-1/pkg/__init__.py",
            "import threading\nfrom .core import start\nthreading.Thread(target=start).start()\n",
        ),
        (
            "p-1/pkg/core.py",
            "import os\ndef start():\n    _beacon()\ndef _beacon():\n    os.system('id')\n",
        ),
    ]);
    assert_eq!(
        system_trigger(&files),
        vec![("p-1/pkg/core.py".to_string(), Trigger::Import)]
    );
    let core = &files[1];
    let call = core.calls.iter().find(|c| c.name == "os.system").unwrap();
    let node = Node {
        file: 1,
        scope: call.span.scope,
    };
    let steps = program.reached_by(&files, node);
    let what: Vec<&str> = steps.iter().map(|s| s.what.as_str()).collect();
    assert_eq!(what[0], "import of pkg");
    assert!(
        what[1].starts_with("threading.Thread starts start"),
        "{what:?}"
    );
    assert!(what[2].starts_with("calls _beacon"), "{what:?}");
}

#[test]
fn a_function_nobody_starts_stays_runtime() {
    let files = run(&[
        ("p-1/pkg/__init__.py", "from .core import start\n"),
        (
            "p-1/pkg/core.py",
            "import os\ndef start():\n    _beacon()\ndef _beacon():\n    os.system('id')\n",
        ),
    ]);
    assert_eq!(system_trigger(&files)[0].1, Trigger::Runtime);
}

#[test]
fn setup_commands_run_at_install_and_unused_setup_functions_do_not() {
    let files = run(&[(
        "p-1/setup.py",
        "import os\nfrom setuptools import setup\nfrom setuptools.command.install import install\n\
         def _post():\n    os.system('a')\n\
         def _unused():\n    os.system('b')\n\
         class Post(install):\n    def run(self):\n        _post()\n\
         setup(name='p', cmdclass={'install': Post})\n",
    )]);
    let t = system_trigger(&files);
    assert_eq!(t[0].1, Trigger::Install);
    assert_eq!(t[1].1, Trigger::Runtime);
}

/// Code the screen or the pruner left unparsed is still a link: a large `__init__` that
/// names nothing suspicious imports and starts a helper in a large module whose pruned
/// functions relay the call to the one holding the payload.
#[test]
fn screened_files_and_pruned_functions_keep_their_edges() {
    let filler: String = (0..400)
        .map(|i| format!("def filler_{i}(x):\n    return x + {i}\n\n"))
        .collect();
    let init = format!("from .core import start\n{filler}start()\n");
    let core = format!(
        "import os\n{filler}def start():\n    relay()\n\n{filler}def relay():\n    _beacon()\n\ndef _beacon():\n    os.system('id')\n"
    );
    let screen = |text: &str, _all: bool| -> Vec<u32> {
        text.match_indices("system")
            .map(|(i, _)| i as u32)
            .collect()
    };
    let mut files = vec![
        malpi_python::analyze_screened(
            "p-1/pkg/__init__.py",
            init.as_bytes(),
            FileRole::Module,
            screen,
        ),
        malpi_python::analyze_screened(
            "p-1/pkg/core.py",
            core.as_bytes(),
            FileRole::Module,
            screen,
        ),
    ];
    assert_eq!(files[0].status, malpi_python::ParseStatus::Screened);
    assert!(files[1].pruned);
    // Without the skeleton the chain is cut at the unparsed code...
    let program = Program::build(&files, &Entries::default(), MAX_EDGES);
    program.apply(&mut files);
    assert_eq!(system_trigger(&files)[0].1, Trigger::Runtime);
    // ...with it, it is whole.
    for f in &mut files {
        f.read_skeleton();
    }
    let program = Program::build(&files, &Entries::default(), MAX_EDGES);
    program.apply(&mut files);
    assert_eq!(system_trigger(&files)[0].1, Trigger::Import);
}

/// A module built to make the model quadratic (thousands of functions and classes, each
/// called and instantiated from the top level) is modelled in linear time, every one
/// reached at import.
#[test]
fn many_functions_called_from_the_top_level_stay_linear() {
    let n = 5_000;
    let mut code = String::from("import os\n");
    for i in 0..n {
        code.push_str(&format!(
            "def f{i}():\n    pass\nclass C{i}:\n    def __init__(self):\n        pass\n"
        ));
    }
    for i in 0..n {
        code.push_str(&format!("f{i}()\nC{i}()\n"));
    }
    code.push_str("def last():\n    os.system('id')\nlast()\n");
    let files = run(&[("p-1/pkg/__init__.py", &code)]);
    assert_eq!(system_trigger(&files)[0].1, Trigger::Import);
    let program = Program::build(&files, &Entries::default(), MAX_EDGES);
    assert!(program.stats().reached_import > 3 * n);
}
