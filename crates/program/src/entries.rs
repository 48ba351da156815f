//! Entry points: where the interpreter starts the package's code without the package
//! asking. Install: `setup.py` (its top level and main guard), the hooks of an in-tree
//! build backend, `.pth` files and `sitecustomize`/`usercustomize` (every interpreter
//! start). Import: the top level of every importable module. Tests, docs and examples are
//! no entry: they run only when something that is one reaches them.

use malpi_python::{FileFacts, FileRole, MODULE_SCOPE, ScopeKind, Trigger};

use crate::graph::Node;
use crate::modules::{Modules, Target};

/// What the package declares outside its code that names entry points.
#[derive(Clone, Debug, Default)]
pub struct Entries {
    /// `[build-system] build-backend` when `backend-path` puts it in the package's tree.
    pub build_backend: Option<String>,
    /// Commands the package installs: (`name`, `module:function`).
    pub console_scripts: Vec<(String, String)>,
}

/// Why a root runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    SetupScript,
    BuildBackendHook,
    PthFile,
    StartupModule,
    ImportedModule,
    /// A command the package installs: runs when a user runs it.
    ConsoleScript(String),
}

impl Entry {
    pub fn trigger(&self) -> Trigger {
        match self {
            Entry::ImportedModule => Trigger::Import,
            Entry::ConsoleScript(_) => Trigger::Runtime,
            _ => Trigger::Install,
        }
    }

    pub fn describe(&self, module: Option<&str>, scope: &str) -> String {
        match self {
            Entry::SetupScript => "setup.py runs at install".into(),
            Entry::BuildBackendHook => format!("build backend hook {scope} runs at install"),
            Entry::PthFile => ".pth file runs at every interpreter start".into(),
            Entry::StartupModule => format!(
                "{} runs at every interpreter start",
                module.unwrap_or("sitecustomize")
            ),
            Entry::ImportedModule => format!("import of {}", module.unwrap_or("the module")),
            Entry::ConsoleScript(name) => format!(
                "console script `{name}` runs {}:{scope} when a user runs it",
                module.unwrap_or("")
            ),
        }
    }
}

/// Hooks of PEP 517/660 a build frontend calls on the backend.
const BACKEND_HOOKS: &[&str] = &[
    "build_wheel",
    "build_sdist",
    "build_editable",
    "get_requires_for_build_wheel",
    "get_requires_for_build_sdist",
    "get_requires_for_build_editable",
    "prepare_metadata_for_build_wheel",
    "prepare_metadata_for_build_editable",
];

pub fn entry_points(
    files: &[FileFacts],
    modules: &Modules,
    entries: &Entries,
) -> Vec<(Node, Entry)> {
    let mut roots = Vec::new();
    let node = |f: usize, s| Node {
        file: f as u32,
        scope: s,
    };
    for (i, f) in files.iter().enumerate() {
        match f.role {
            FileRole::SetupPy => {
                roots.push((node(i, MODULE_SCOPE), Entry::SetupScript));
                for (id, s) in f.scopes.iter().enumerate() {
                    if s.kind == ScopeKind::MainGuard {
                        roots.push((node(i, id as u32), Entry::SetupScript));
                    }
                }
            }
            FileRole::Pth => roots.push((node(i, MODULE_SCOPE), Entry::PthFile)),
            FileRole::Module => {
                let name = modules.name_of(i);
                // A package's `__main__` runs on `python -m pkg`, never on import.
                if name.is_some_and(|n| n == "__main__" || n.ends_with(".__main__")) {
                    continue;
                }
                let startup = matches!(name, Some("sitecustomize" | "usercustomize"));
                let entry = if startup {
                    Entry::StartupModule
                } else {
                    Entry::ImportedModule
                };
                roots.push((node(i, MODULE_SCOPE), entry));
            }
            FileRole::Auxiliary => {}
        }
    }
    if let Some(backend) = &entries.build_backend {
        // `backend` or `backend:object`; its module's hooks run during the build.
        let module = backend.split(':').next().unwrap_or(backend);
        for &f in modules.files_of(module) {
            roots.push((node(f, MODULE_SCOPE), Entry::BuildBackendHook));
            for hook in BACKEND_HOOKS {
                for t in modules.resolve_uncached(f, hook) {
                    if let Target::Function(hf, hs) = t {
                        roots.push((node(hf, hs), Entry::BuildBackendHook));
                    }
                }
            }
        }
    }
    for (name, target) in &entries.console_scripts {
        let Some((module, function)) = target.split_once(':') else {
            continue;
        };
        for &f in modules.files_of(module) {
            for t in modules.resolve_uncached(f, function) {
                if let Target::Function(hf, hs) = t {
                    roots.push((node(hf, hs), Entry::ConsoleScript(name.clone())));
                }
            }
        }
    }
    roots
}
