//! Flows of the whole package: each file's flows with what its helpers return followed
//! into them ([`Source::Returned`]) and what its callers pass followed into its parameters
//! ([`Source::Parameter`]), across functions, methods and modules, with the steps between.

use rustc_hash::FxHashMap as HashMap;

use malpi_python::{
    Atom, Destination, FileFacts, FileRole, PackageFlow, Pass, PassedAs, Return, ScopeId,
    ScopeKind, Source, Step,
};

use crate::modules::{Modules, Target};

/// How many calls deep returns and parameters are followed.
const MAX_HOPS: u32 = 4;
/// Most flows kept for one package.
const MAX_FLOWS: usize = 5_000;
/// Most sources one flow keeps.
const MAX_SOURCES: usize = 12;

type Function = (usize, ScopeId);

/// A concrete read and the steps from it to the value that holds it.
#[derive(Clone)]
struct Read {
    atom: Atom,
    steps: Vec<Step>,
}

struct Index<'a, 'm> {
    files: &'a [FileFacts],
    modules: &'m Modules<'a>,
    returns: HashMap<Function, Vec<&'a Return>>,
    /// Passes into each function of the package, with the file they are written in.
    callers: HashMap<Function, Vec<(usize, &'a Pass)>>,
}

/// Every flow of the package, sources resolved as far as the package shows them.
pub fn resolve<'a>(files: &'a [FileFacts], modules: &Modules<'a>) -> Vec<PackageFlow> {
    if files.iter().all(|f| f.flows.is_empty()) {
        return Vec::new();
    }
    let mut index = Index {
        files,
        modules,
        returns: HashMap::default(),
        callers: HashMap::default(),
    };
    for (fi, f) in files.iter().enumerate() {
        for r in &f.returns {
            index.returns.entry((fi, r.span.scope)).or_default().push(r);
        }
        for p in &f.passes {
            for t in modules.resolve(fi, p.span.scope, &p.callee) {
                if let Target::Function(tf, ts) = t {
                    index.callers.entry((tf, ts)).or_default().push((fi, p));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        for flow in &f.flows {
            if out.len() >= MAX_FLOWS {
                return out;
            }
            let sink_step = Step {
                path: f.path.clone(),
                line: flow.span.line,
                what: format!(
                    "{} {}",
                    match flow.sink {
                        malpi_python::SinkKind::Network => "sends with",
                        malpi_python::SinkKind::Dns => "looks up a host name with",
                        malpi_python::SinkKind::Command => "runs a command line with",
                        malpi_python::SinkKind::Exec => "runs as code with",
                    },
                    flow.call,
                ),
            };
            let to = |d: &Destination| {
                d.text
                    .as_deref()
                    .map(|t| format!(" to `{}`", malpi_python::cut(t, 100)))
                    .unwrap_or_default()
            };
            let mut reads = Vec::new();
            index.expand(fi, flow.span.scope, &flow.data.atoms, true, 0, &mut reads);
            let push = |reads: Vec<Read>, destination: Destination, out: &mut Vec<PackageFlow>| {
                // The first source's whole chain; the others by where they are read.
                let mut reads = reads.into_iter().take(MAX_SOURCES);
                let Some(first) = reads.next() else { return };
                let mut steps: Vec<Step> = Vec::new();
                let mut sources = Vec::new();
                for r in reads {
                    if let Some(s) = r.steps.first() {
                        if !steps.contains(s) {
                            steps.push(s.clone());
                        }
                    }
                    sources.push(r.atom);
                }
                sources.insert(0, first.atom);
                steps.extend(first.steps);
                let mut sink = sink_step.clone();
                sink.what.push_str(&to(&destination));
                steps.push(sink);
                out.push(PackageFlow {
                    sink: flow.sink,
                    call: flow.call.clone(),
                    file: fi,
                    span: flow.span,
                    trigger: flow.trigger,
                    sources,
                    through: flow.data.through.clone(),
                    destination,
                    steps,
                });
            };
            // The function's own parameters stay sources (a `private_key` argument), and
            // what callers pass into them is followed out.
            let from_callers =
                index.through_callers(fi, flow.span.scope, &reads, &flow.destination, 0);
            push(reads, flow.destination.clone(), &mut out);
            for (chain, destination) in from_callers {
                push(chain, destination, &mut out);
            }
        }
    }
    out
}

/// What a function reads when it opens the file named by a value made of `source` (its path
/// written as `path`): files found by walking are read as found files; a path the caller took
/// as its own parameter is still the caller's callers' to name; any other value is the file
/// at that path.
fn file_read_through(source: &Source, path: Option<&str>) -> Source {
    match source {
        Source::FileSearch(under) => Source::FoundFile(under.clone()),
        Source::Parameter(p) => Source::ParameterFile(p.clone()),
        Source::CallerSource(_) | Source::ParameterFile(_) | Source::FileContent(_) => {
            source.clone()
        }
        _ => Source::FileContent(path.unwrap_or_default().to_string()),
    }
}

fn describe(source: &Source) -> String {
    match source {
        Source::HostIdentity(what) => format!("reads host identity ({what})"),
        Source::Environment => "reads the whole environment".into(),
        Source::EnvVariable(v) => format!("reads environment variable {v}"),
        Source::CommandOutput(c) => format!("reads the output of `{}`", malpi_python::cut(c, 80)),
        Source::FileContent(p) => format!("reads file `{}`", malpi_python::cut(p, 80)),
        Source::FileSearch(p) => format!("lists files `{}`", malpi_python::cut(p, 80)),
        Source::FoundFile(p) => format!("reads files found under `{}`", malpi_python::cut(p, 80)),
        Source::CallerSource(what) => format!("reads the calling program's code ({what})"),
        Source::Prompt => "reads what the user types".into(),
        Source::Surveillance(what) => format!("captures {what}"),
        Source::CommandLine => "reads the command-line arguments".into(),
        Source::NetworkResponse(u) => {
            format!("receives from the network `{}`", malpi_python::cut(u, 80))
        }
        Source::DecodedLiteral => "decodes a literal of the package".into(),
        Source::Parameter(p) => format!("takes parameter `{p}`"),
        Source::KeyParameter(p) => format!("takes parameter `{p}`, loaded as a private key"),
        Source::ParameterFile(p) => format!("reads the file parameter `{p}` names"),
        Source::Returned(f) => format!("gets what {f} returns"),
    }
}

impl<'a> Index<'a, '_> {
    fn qualname(&self, (file, scope): Function) -> String {
        self.files[file]
            .scopes
            .get(scope as usize)
            .map_or_else(|| "?".into(), |s| s.qualname.clone())
    }

    /// Concrete reads behind `atoms`, read in `scope` of `file`: returns of the package's
    /// functions followed into them; the scope's own parameters kept.
    fn expand(
        &self,
        file: usize,
        scope: ScopeId,
        atoms: &'a [Atom],
        keep_params: bool,
        hops: u32,
        out: &mut Vec<Read>,
    ) {
        for atom in atoms {
            if !keep_params && matches!(atom.source, Source::Parameter(_)) {
                continue;
            }
            if out.len() >= MAX_SOURCES {
                return;
            }
            match &atom.source {
                Source::Returned(name) => {
                    if hops >= MAX_HOPS {
                        continue;
                    }
                    for t in self.modules.resolve(file, scope, name) {
                        let Target::Function(tf, ts) = t else {
                            continue;
                        };
                        let Some(returns) = self.returns.get(&(tf, ts)) else {
                            continue;
                        };
                        let call_step = Step {
                            path: self.files[file].path.clone(),
                            line: atom.line,
                            what: format!("calls {}", self.qualname((tf, ts))),
                        };
                        for r in returns.iter().take(4) {
                            let mut inner = Vec::new();
                            // A parameter of the callee is what this call passed: not
                            // followed here (the caller's own flows see the argument).
                            self.expand(tf, ts, &r.taint.atoms, false, hops + 1, &mut inner);
                            for mut read in inner {
                                read.steps.push(Step {
                                    path: self.files[tf].path.clone(),
                                    line: r.span.line,
                                    what: format!("{} returns it", self.qualname((tf, ts))),
                                });
                                read.steps.push(call_step.clone());
                                if !out.iter().any(|o: &Read| o.atom.source == read.atom.source) {
                                    out.push(read);
                                }
                            }
                        }
                    }
                }
                source => {
                    if out.iter().any(|o| o.atom.source == *source) {
                        continue;
                    }
                    out.push(Read {
                        atom: atom.clone(),
                        steps: vec![Step {
                            path: self.files[file].path.clone(),
                            line: atom.line,
                            what: describe(source),
                        }],
                    });
                }
            }
        }
    }

    /// For a flow in `scope` whose data or destination comes from the scope's parameters:
    /// what each caller passes into them, as separate chains (caller's reads, the call, then
    /// the flow), each with its destination (the caller's written address when the
    /// destination was a parameter).
    fn through_callers(
        &self,
        file: usize,
        scope: ScopeId,
        reads: &[Read],
        destination: &Destination,
        hops: u32,
    ) -> Vec<(Vec<Read>, Destination)> {
        let parameter = |a: &'_ Atom| match &a.source {
            Source::Parameter(p) | Source::ParameterFile(p) => Some(p.clone()),
            _ => None,
        };
        // Parameters whose value is the data, and parameters the function opens (the
        // caller's value names the file read).
        let (mut params, mut opened) = (Vec::new(), Vec::new());
        for r in reads {
            match &r.atom.source {
                Source::Parameter(p) => params.push(p.clone()),
                Source::ParameterFile(p) => opened.push(p.clone()),
                _ => {}
            }
        }
        let chosen: Vec<String> = destination.chosen_by.iter().filter_map(parameter).collect();
        if (params.is_empty() && opened.is_empty() && chosen.is_empty()) || hops >= MAX_HOPS {
            return Vec::new();
        }
        let Some(callers) = self.callers.get(&(file, scope)) else {
            return Vec::new();
        };
        let Some(code) = self.files[file].scopes.get(scope as usize) else {
            return Vec::new();
        };
        let method = code.kind == ScopeKind::Function
            && self.files[file]
                .scopes
                .get(code.parent as usize)
                .is_some_and(|p| p.kind == ScopeKind::Class)
            && code
                .params
                .first()
                .is_some_and(|p| p == "self" || p == "cls");
        let own: Vec<Read> = reads
            .iter()
            .filter(|r| parameter(&r.atom).is_none())
            .cloned()
            .collect();
        let mut out = Vec::new();
        let callee_auxiliary = self.files[file].role == FileRole::Auxiliary;
        for (cf, pass) in callers.iter().take(16) {
            // Tests, docs and CI scripts call the package with data of their own: what
            // they pass is not what the package does.
            if self.files[*cf].role == FileRole::Auxiliary && !callee_auxiliary {
                continue;
            }
            // `obj.m(x)` passes x as the method's second parameter.
            let offset = u32::from(method && pass.callee.contains('.'));
            let param_of = |at: &PassedAs| -> Option<String> {
                match at {
                    PassedAs::Keyword(k) => Some(k.clone()),
                    PassedAs::Position(i) => code.params.get((i + offset) as usize).cloned(),
                }
            };
            let mut chain = Vec::new();
            let step = |what: String| Step {
                path: self.files[*cf].path.clone(),
                line: pass.span.line,
                what,
            };
            let callee = self.qualname((file, scope));
            for (at, taint) in &pass.args {
                let Some(param) = param_of(at).filter(|p| params.contains(p)) else {
                    continue;
                };
                let mut inner = Vec::new();
                self.expand(*cf, pass.span.scope, &taint.atoms, true, 0, &mut inner);
                for mut read in inner {
                    read.steps
                        .push(step(format!("passes it to {callee} as `{param}`")));
                    chain.push(read);
                }
            }
            for param in opened.iter().filter(|p| !params.contains(p)) {
                let named = |at: &PassedAs| param_of(at).as_ref() == Some(param);
                let path = pass
                    .paths
                    .iter()
                    .find(|(at, _)| named(at))
                    .map(|(_, p)| p.as_str());
                let mut inner = Vec::new();
                if let Some((_, taint)) = pass.args.iter().find(|(at, _)| named(at)) {
                    self.expand(*cf, pass.span.scope, &taint.atoms, true, 0, &mut inner);
                }
                if inner.is_empty() {
                    if let Some(path) = path {
                        inner.push(Read {
                            atom: Atom {
                                source: Source::FileContent(path.to_string()),
                                line: pass.span.line,
                            },
                            steps: Vec::new(),
                        });
                    }
                }
                for mut read in inner {
                    let file_read = file_read_through(&read.atom.source, path);
                    if file_read != read.atom.source {
                        // The caller's read made the path; what the callee reads is the file.
                        if let Some(first) = read.steps.first_mut() {
                            first.what = describe(&file_read);
                        }
                        read.atom.source = file_read;
                    }
                    if chain
                        .iter()
                        .any(|c: &Read| c.atom.source == read.atom.source)
                    {
                        continue;
                    }
                    let passed = path.map_or_else(
                        || "a path".to_string(),
                        |p| format!("`{}`", malpi_python::cut(p, 80)),
                    );
                    read.steps.push(step(format!(
                        "passes {passed} to {callee} as `{param}`, which reads that file"
                    )));
                    chain.push(read);
                }
            }
            // `send("http://203.0.113.5/x", data)`: the caller wrote where the data goes.
            let written = pass.written.iter().find_map(|(at, text)| {
                param_of(at)
                    .filter(|p| chosen.contains(p))
                    .map(|_| text.clone())
            });
            let mut dest = destination.clone();
            if let Some(text) = written {
                dest = Destination {
                    literal: !text.starts_with(malpi_python::HOLE),
                    text: Some(text),
                    chosen_by: Vec::new(),
                };
                // What the callee reads itself now goes where the caller said.
                for r in &own {
                    chain.push(r.clone());
                }
            }
            let concrete: Vec<Read> = chain
                .iter()
                .filter(|r| parameter(&r.atom).is_none())
                .cloned()
                .collect();
            let further = self.through_callers(*cf, pass.span.scope, &chain, &dest, hops + 1);
            if !concrete.is_empty() {
                out.push((concrete, dest));
            }
            out.extend(further);
        }
        out
    }
}
