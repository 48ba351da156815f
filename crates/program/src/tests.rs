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
    let mut files = package(files);
    let program = Program::build(&files, &Entries::default(), MAX_EDGES);
    program.apply(&mut files);
    files
}

#[test]
fn a_thread_started_at_import_runs_at_import_across_modules() {
    let files = run(&[
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
    let reach = core.reached_by(call.span).expect("a chain");
    let what: Vec<&str> = reach.steps.iter().map(|s| s.what.as_str()).collect();
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
