//! Edges between the package's scopes: calls, imports, and every indirect start the
//! analysis recorded, resolved through [`Modules`]. A call whose target is not the
//! package's own code (a library, a builtin) is no edge; one that looks local but names
//! nothing the package defines is counted as unresolved, never guessed.

use malpi_python::{
    EdgeKind, FileFacts, FileRole, MODULE_SCOPE, ScopeId, ScopeKind, Span, start_api,
};

use crate::modules::{Modules, Target};

/// A node: one scope of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    pub file: u32,
    pub scope: ScopeId,
}

/// How one scope starts another, for the chain a finding prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    Calls,
    Imports,
    /// Instantiating a class runs its `__init__`/`__new__` (and `__del__` later).
    Instantiates,
    /// A class body runs when the code around it defines the class.
    Defines,
    Decorates,
    /// The decorator a factory returns runs on the decorated function.
    DecoratorReturned,
    /// A start API given the function (`threading.Thread`, `atexit.register`...).
    StartedBy(String),
    /// The package's own function given the function as an argument.
    Callback(String),
    Hook(String),
    InstanceMethod,
    With,
    Metaclass,
    Subclass,
    Cmdclass,
    RunsFile,
    RunsModule,
    /// A module's `__getattr__` runs on every missing attribute looked up on it.
    ModuleGetattr,
}

impl Via {
    pub fn describe(&self, target: &str) -> String {
        match self {
            Via::Calls => format!("calls {target}"),
            Via::Imports => format!("imports {target}"),
            Via::Instantiates => format!("instantiates → {target}"),
            Via::Defines => format!("defines class {target}"),
            Via::Decorates => format!("decorator {target} runs at definition"),
            Via::DecoratorReturned => format!("decorator factory returns {target}"),
            Via::StartedBy(api) => format!("{api} starts {target}"),
            Via::Callback(f) => format!("passes {target} to {f}"),
            Via::Hook(h) => format!("{h} = {target}"),
            Via::InstanceMethod => format!("calls method {target}"),
            Via::With => format!("with → {target}"),
            Via::Metaclass => format!("metaclass → {target}"),
            Via::Subclass => format!("subclass definition → {target}"),
            Via::Cmdclass => format!("setup command → {target}"),
            Via::RunsFile => format!("runs the package's file → {target}"),
            Via::RunsModule => format!("runs the package's module → {target}"),
            Via::ModuleGetattr => format!("module attribute lookup → {target}"),
        }
    }
}

/// One resolved edge.
#[derive(Clone, Debug)]
pub struct Link {
    pub to: Node,
    pub via: Via,
    /// Where it is written: the file and line of the call site.
    pub file: u32,
    pub line: u32,
}

/// Edges out of every node, and what could not be resolved.
pub struct Graph {
    /// Node index → links out.
    pub out: Vec<Vec<Link>>,
    /// First node index of each file.
    pub offsets: Vec<u32>,
    pub edges: usize,
    pub unresolved: usize,
    /// The edge budget ran out: the graph misses edges.
    pub capped: bool,
    /// (from, to) pairs already linked.
    linked: rustc_hash::FxHashSet<(usize, Node)>,
}

impl Graph {
    pub fn index(&self, n: Node) -> usize {
        self.offsets[n.file as usize] as usize + n.scope as usize
    }
    pub fn node(&self, index: usize) -> Node {
        let file = self.offsets.partition_point(|&o| o as usize <= index) - 1;
        Node {
            file: file as u32,
            scope: (index - self.offsets[file] as usize) as ScopeId,
        }
    }
}

pub fn build<'a>(files: &'a [FileFacts], modules: &Modules<'a>, max_edges: usize) -> Graph {
    let mut offsets = Vec::with_capacity(files.len());
    let mut total = 0u32;
    for f in files {
        offsets.push(total);
        total += f.scopes.len() as u32;
    }
    let mut g = Graph {
        out: vec![Vec::new(); total as usize],
        offsets,
        edges: 0,
        unresolved: 0,
        capped: false,
        linked: Default::default(),
    };
    for (fi, f) in files.iter().enumerate() {
        let mut b = Builder {
            g: &mut g,
            modules,
            files,
            file: fi,
            max_edges,
        };
        b.file_edges(f);
    }
    g
}

struct Builder<'g, 'a> {
    g: &'g mut Graph,
    modules: &'g Modules<'a>,
    files: &'a [FileFacts],
    file: usize,
    max_edges: usize,
}

impl<'a> Builder<'_, 'a> {
    fn link(&mut self, from: ScopeId, to: Node, via: Via, span: Span) {
        if self.g.edges >= self.max_edges {
            self.g.capped = true;
            return;
        }
        let from = self.g.index(Node {
            file: self.file as u32,
            scope: from,
        });
        // One link per pair is enough to reach; a set keeps a module calling 50,000
        // functions from costing a scan of its links per call.
        if !self.g.linked.insert((from, to)) {
            return;
        }
        let list = &mut self.g.out[from];
        list.push(Link {
            to,
            via,
            file: self.file as u32,
            line: span.line,
        });
        self.g.edges += 1;
    }

    fn node(f: usize, s: ScopeId) -> Node {
        Node {
            file: f as u32,
            scope: s,
        }
    }

    /// What runs when a module is imported: its package `__init__`s, then its body.
    fn import(&mut self, from: ScopeId, module_file: usize, span: Span) {
        if module_file == self.file && from == MODULE_SCOPE {
            return;
        }
        if let Some(name) = self.modules.name_of(module_file) {
            let parents: Vec<usize> = self.modules.parents_of(name).collect();
            for p in parents {
                if p != self.file {
                    self.link(from, Self::node(p, MODULE_SCOPE), Via::Imports, span);
                }
            }
        }
        self.link(
            from,
            Self::node(module_file, MODULE_SCOPE),
            Via::Imports,
            span,
        );
    }

    fn method(
        &mut self,
        from: ScopeId,
        f: usize,
        class: ScopeId,
        names: &[&str],
        via: Via,
        span: Span,
    ) {
        for (mf, ms) in self.modules.methods(f, class) {
            let name = self.files[mf].scopes[ms as usize].name.as_str();
            if names.contains(&name) {
                self.link(from, Self::node(mf, ms), via.clone(), span);
            }
        }
    }

    /// Edges of a call of `name`: a function runs, a class is instantiated.
    fn call(&mut self, from: ScopeId, name: &'a str, span: Span, via: Via) {
        let targets = self.modules.resolve(self.file, from, name);
        if targets.is_empty() {
            if looks_local(name) {
                self.g.unresolved += 1;
            }
            return;
        }
        for t in targets {
            match t {
                Target::Function(f, s) => self.link(from, Self::node(f, s), via.clone(), span),
                Target::Class(f, c) => {
                    self.method(
                        from,
                        f,
                        c,
                        &["__init__", "__new__", "__del__", "__post_init__"],
                        Via::Instantiates,
                        span,
                    );
                    // A thread or process class's `run` is what its `start()` runs.
                    if let Some(base) = self.modules.runner_base(f, c) {
                        self.method(from, f, c, &["run"], Via::StartedBy(base), span);
                    }
                }
                Target::Module(_) => {}
            }
        }
    }

    fn file_edges(&mut self, f: &'a FileFacts) {
        // Class bodies run where the class is defined.
        for (id, s) in f.scopes.iter().enumerate() {
            let id = id as ScopeId;
            if s.kind == ScopeKind::Class && id != MODULE_SCOPE {
                self.link(s.parent, Self::node(self.file, id), Via::Defines, s.span);
            }
        }
        for c in &f.calls {
            self.call(c.span.scope, &c.name, c.span, Via::Calls);
        }
        // An attribute the package's module does not define runs its `__getattr__`.
        for r in &f.refs {
            if let Some((mf, ms)) = self
                .modules
                .missing_attribute(self.file, r.span.scope, &r.name)
            {
                self.link(r.span.scope, Self::node(mf, ms), Via::ModuleGetattr, r.span);
            }
        }
        for i in &f.imports {
            let targets = self.modules.resolve(self.file, i.span.scope, &i.module);
            for t in targets {
                let module = match t {
                    Target::Module(m) => m,
                    Target::Class(m, _) | Target::Function(m, _) => m,
                };
                self.import(i.span.scope, module, i.span);
            }
        }
        for e in &f.edges {
            let from = e.span.scope;
            match &e.kind {
                EdgeKind::Call => self.call(from, &e.target, e.span, Via::Calls),
                EdgeKind::Decorator => self.call(from, &e.target, e.span, Via::Decorates),
                EdgeKind::DecoratorFactory => {
                    for t in self.modules.resolve(self.file, from, &e.target) {
                        if let Target::Function(tf, ts) = t {
                            let nested: Vec<ScopeId> = self
                                .modules
                                .members_of(tf, ts)
                                .iter()
                                .copied()
                                .filter(|&n| {
                                    self.files[tf].scopes[n as usize].kind == ScopeKind::Function
                                })
                                .collect();
                            for n in nested {
                                self.link(from, Self::node(tf, n), Via::DecoratorReturned, e.span);
                            }
                        }
                    }
                }
                EdgeKind::Argument(via) => {
                    let via =
                        if start_api(via) {
                            Some(Via::StartedBy(via.clone()))
                        } else if self.modules.resolve(self.file, from, via).iter().any(
                            |t| match *t {
                                Target::Function(f, s) => {
                                    self.files[f].scopes[s as usize].calls_parameter
                                }
                                _ => false,
                            },
                        ) {
                            Some(Via::Callback(via.clone()))
                        } else {
                            None
                        };
                    if let Some(via) = via {
                        self.call(from, &e.target, e.span, via);
                    }
                }
                EdgeKind::Hook(h) => self.call(from, &e.target, e.span, Via::Hook(h.clone())),
                EdgeKind::InstanceMethod => self.call(from, &e.target, e.span, Via::InstanceMethod),
                EdgeKind::With => self.class_methods(
                    from,
                    &e.target,
                    &["__enter__", "__exit__"],
                    Via::With,
                    e.span,
                ),
                EdgeKind::Metaclass => self.class_methods(
                    from,
                    &e.target,
                    &["__new__", "__init__", "__prepare__"],
                    Via::Metaclass,
                    e.span,
                ),
                EdgeKind::Subclass => self.class_methods(
                    from,
                    &e.target,
                    &["__init_subclass__", "__set_name__"],
                    Via::Subclass,
                    e.span,
                ),
                EdgeKind::Cmdclass => {
                    for t in self.modules.resolve(self.file, from, &e.target) {
                        if let Target::Class(cf, cs) = t {
                            self.command(from, cf, cs, e.span);
                        }
                    }
                }
                EdgeKind::RunsFile(name) => {
                    let wanted = name.as_str();
                    let hits: Vec<usize> = self
                        .modules
                        .files_named(wanted)
                        .iter()
                        .take(8)
                        .copied()
                        .collect();
                    for h in hits {
                        self.run_as_program(from, h, Via::RunsFile, e.span);
                    }
                }
                EdgeKind::RunsModule(name) => {
                    let hits: Vec<usize> = self.modules.files_of(name).to_vec();
                    for h in hits {
                        self.run_as_program(from, h, Via::RunsModule, e.span);
                    }
                }
            }
        }
        // A setup command class in setup.py runs at install even when `cmdclass` is built
        // out of sight (`cmdclass=commands`): its base says what it is. Without any
        // `cmdclass=` the class is never handed to setup() and never runs.
        let hidden_cmdclass = f.calls.iter().any(|c| c.keyword("cmdclass").is_some())
            && !f.edges.iter().any(|e| e.kind == EdgeKind::Cmdclass);
        if f.role == FileRole::SetupPy && hidden_cmdclass {
            for (id, s) in f.scopes.iter().enumerate() {
                if s.kind != ScopeKind::Class {
                    continue;
                }
                let is_command = self
                    .modules
                    .class_def(self.file, id as ScopeId)
                    .is_some_and(|c| c.bases.iter().any(|b| is_setup_command(b)));
                if is_command {
                    self.command(MODULE_SCOPE, self.file, id as ScopeId, s.span);
                }
            }
        }
    }

    /// Every method of a setup command runs at install (run, options, sub-commands).
    fn command(&mut self, from: ScopeId, f: usize, class: ScopeId, span: Span) {
        for (mf, ms) in self.modules.methods(f, class) {
            self.link(from, Self::node(mf, ms), Via::Cmdclass, span);
        }
    }

    fn class_methods(
        &mut self,
        from: ScopeId,
        name: &'a str,
        methods: &[&str],
        via: Via,
        span: Span,
    ) {
        for t in self.modules.resolve(self.file, from, name) {
            if let Target::Class(f, c) = t {
                self.method(from, f, c, methods, via.clone(), span);
            }
        }
    }

    /// A file run as a program: its top level and its main guards run.
    fn run_as_program(&mut self, from: ScopeId, file: usize, via: Via, span: Span) {
        self.link(from, Self::node(file, MODULE_SCOPE), via.clone(), span);
        let guards: Vec<ScopeId> = self
            .modules
            .members_of(file, MODULE_SCOPE)
            .iter()
            .copied()
            .filter(|&g| self.files[file].scopes[g as usize].kind == ScopeKind::MainGuard)
            .collect();
        for g in guards {
            self.link(from, Self::node(file, g), via.clone(), span);
        }
    }
}

/// A class of the build tools' command API, which `python setup.py <command>` and pip run:
/// anything from their `command` packages (`install`, `develop`, `build_py`...) or their
/// `Command` base; a bare name when the import was not resolved (`from ... import *`).
fn is_setup_command(base: &str) -> bool {
    const COMMAND_MODULES: &[&str] = &[
        "setuptools.command.",
        "distutils.command.",
        "setuptools._distutils.command.",
    ];
    COMMAND_MODULES.iter().any(|m| base.starts_with(m))
        || matches!(
            base,
            "setuptools.Command"
                | "distutils.cmd.Command"
                | "distutils.core.Command"
                | "install"
                | "develop"
                | "egg_info"
                | "build_py"
                | "build_ext"
                | "sdist"
                | "bdist_wheel"
        )
}

/// A name that is not dotted through a module (`run`, `self.m`, `C.m`): the package's own,
/// if anyone's.
fn looks_local(name: &str) -> bool {
    !name.contains('.') || name.starts_with("self.") || name.starts_with("cls.")
}
