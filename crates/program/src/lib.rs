//! malpi-program: the package as a program. Per-file facts are joined into one model: the
//! package's modules (from its layout), their scopes (module bodies, classes, functions,
//! main guards), the edges between them (calls, imports, threads, callbacks, decorators,
//! hooks, setup commands, subprocesses of the package's own files), and the entry points
//! that start it all. A scope's trigger is the earliest entry that reaches it — install
//! before import before runtime — and the chain of steps from that entry is kept, so a
//! finding can say why it runs at install.
//!
//! ```text
//! Program::build(&files, &entries, max_edges) → program.apply(&mut files)
//! ```
//!
//! Nothing is run; unresolvable calls are counted, not guessed.

mod entries;
mod flows;
mod graph;
mod modules;

pub use entries::Entries;
pub use graph::{Node, Via};

use std::collections::VecDeque;

use malpi_python::{FileFacts, FileRole, MODULE_SCOPE, ParseStatus, Step, Trigger};

use entries::{Entry, entry_points};
use graph::Graph;
use modules::Modules;

/// Default bound on the edges of one package's graph.
pub const MAX_EDGES: usize = 2_000_000;

/// How a node was first reached: from an entry, or over a link from another node.
#[derive(Clone, Debug)]
enum Origin {
    Entry(Entry),
    Link { from: usize, link: usize },
}

#[derive(Clone, Debug)]
struct Reached {
    trigger: Trigger,
    origin: Origin,
}

/// The whole-package model: which scopes run when, and how.
pub struct Program {
    graph: Graph,
    reached: Vec<Option<Reached>>,
    /// Each file's module name, for chains.
    module_names: Vec<Option<String>>,
    /// The package's flows, sources followed across functions and modules.
    flows: Vec<malpi_python::PackageFlow>,
}

/// Counts that say how complete the model is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub scopes: usize,
    pub edges: usize,
    pub unresolved: usize,
    pub reached_install: usize,
    pub reached_import: usize,
    /// The edge bound tripped: some code may be reached that the model does not show.
    pub capped: bool,
}

impl Program {
    /// Join the files of one package into a program and find what each entry reaches.
    pub fn build(files: &[FileFacts], entries: &Entries, max_edges: usize) -> Program {
        let modules = Modules::new(files);
        let graph = graph::build(files, &modules, max_edges);
        let roots = entry_points(files, &modules, entries);
        let mut reached: Vec<Option<Reached>> = vec![None; graph.out.len()];
        // Install entries first, then import: a breadth-first walk from each layer gives
        // every node its earliest trigger, by its shortest chain.
        // Runtime entries (console scripts) change no trigger; they name the chain.
        for trigger in [Trigger::Install, Trigger::Import, Trigger::Runtime] {
            let mut queue = VecDeque::new();
            for (node, entry) in roots.iter().filter(|(_, e)| e.trigger() == trigger) {
                let i = graph.index(*node);
                if reached[i].is_none() {
                    reached[i] = Some(Reached {
                        trigger,
                        origin: Origin::Entry(entry.clone()),
                    });
                    queue.push_back(i);
                }
            }
            while let Some(i) = queue.pop_front() {
                for (li, link) in graph.out[i].iter().enumerate() {
                    let j = graph.index(link.to);
                    if reached[j].is_none() {
                        reached[j] = Some(Reached {
                            trigger,
                            origin: Origin::Link { from: i, link: li },
                        });
                        queue.push_back(j);
                    }
                }
            }
        }
        let flows = flows::resolve(files, &modules);
        Program {
            flows,
            reached,
            module_names: (0..files.len())
                .map(|i| modules.name_of(i).map(str::to_string))
                .collect(),
            graph,
        }
    }

    /// When the code of a scope runs: the earliest entry that reaches it, else runtime.
    pub fn trigger_of(&self, node: Node) -> Trigger {
        self.reached[self.graph.index(node)]
            .as_ref()
            .map_or(Trigger::Runtime, |r| r.trigger)
    }

    /// The chain from the entry to a scope of `files` (the files the program was built
    /// from), entry first; empty when nothing reaches it.
    pub fn path_to(&self, files: &[FileFacts], node: Node) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut i = self.graph.index(node);
        // A chain never repeats a node, so it is at most as long as the graph.
        for _ in 0..=self.reached.len().min(MAX_CHAIN) {
            let Some(r) = &self.reached[i] else {
                return Vec::new();
            };
            match &r.origin {
                Origin::Entry(entry) => {
                    let n = self.graph.node(i);
                    let file = n.file as usize;
                    let scope = &files[file].scopes[n.scope as usize];
                    steps.push(Step {
                        path: files[file].path.clone(),
                        line: if n.scope == MODULE_SCOPE {
                            0
                        } else {
                            scope.span.line
                        },
                        what: entry.describe(self.module_names[file].as_deref(), &scope.qualname),
                    });
                    break;
                }
                Origin::Link { from, link } => {
                    let l = &self.graph.out[*from][*link];
                    let to = self.graph.node(i);
                    let target = self.describe_node(files, to);
                    steps.push(Step {
                        path: files[l.file as usize].path.clone(),
                        line: l.line,
                        what: l.via.describe(&target),
                    });
                    i = *from;
                }
            }
        }
        steps.reverse();
        steps
    }

    /// The chain a finding in this scope prints: the steps from its entry, when something
    /// starts the scope (empty for code that runs where it is written, an entry itself).
    pub fn reached_by(&self, files: &[FileFacts], node: Node) -> Vec<Step> {
        let steps = self.path_to(files, node);
        // A module's own top level runs where it is written; anything else says how.
        if steps.len() > 1 || node.scope != MODULE_SCOPE {
            steps
        } else {
            Vec::new()
        }
    }

    fn describe_node(&self, files: &[FileFacts], n: Node) -> String {
        let file = &files[n.file as usize];
        if n.scope == MODULE_SCOPE {
            return self.module_names[n.file as usize]
                .clone()
                .unwrap_or_else(|| file.path.clone());
        }
        let scope = &file.scopes[n.scope as usize];
        let line = scope.span.line;
        if scope.kind == malpi_python::ScopeKind::MainGuard {
            let module = self.module_names[n.file as usize].as_deref().unwrap_or("");
            return format!("{module}:__main__ ({}:{line})", file.path);
        }
        format!("{} ({}:{line})", scope.qualname, file.path)
    }

    /// The package's flows, each with the trigger of the scope its sink is in.
    pub fn flows(&self) -> Vec<malpi_python::PackageFlow> {
        self.flows
            .iter()
            .map(|f| {
                let mut f = f.clone();
                f.trigger = self.trigger_of(Node {
                    file: f.file as u32,
                    scope: f.span.scope,
                });
                f
            })
            .collect()
    }

    pub fn stats(&self) -> Stats {
        let count = |t| {
            self.reached
                .iter()
                .filter(|r| r.as_ref().is_some_and(|r| r.trigger == t))
                .count()
        };
        Stats {
            scopes: self.reached.len(),
            edges: self.graph.edges,
            unresolved: self.graph.unresolved,
            reached_install: count(Trigger::Install),
            reached_import: count(Trigger::Import),
            capped: self.graph.capped,
        }
    }

    /// Give every fact of the files the trigger of its scope. Code decoded from a string has its own scopes (its top level is the scope of
    /// the call that runs it), so it is judged like the file's own code.
    pub fn apply(&self, files: &mut [FileFacts]) {
        for (fi, f) in files.iter_mut().enumerate() {
            if matches!(f.status, ParseStatus::Tokens { .. }) || f.role == FileRole::Pth {
                // The token reader places facts by indentation only; `.pth` lines all run.
                continue;
            }
            let triggers: Vec<Trigger> = (0..f.scopes.len())
                .map(|s| {
                    self.trigger_of(Node {
                        file: fi as u32,
                        scope: s as u32,
                    })
                })
                .collect();
            let of = |span: malpi_python::Span| {
                triggers
                    .get(span.scope as usize)
                    .copied()
                    .unwrap_or(Trigger::Runtime)
            };
            for c in &mut f.calls {
                c.trigger = of(c.span);
            }
            for s in &mut f.strings {
                s.trigger = of(s.span);
            }
            for i in &mut f.imports {
                i.trigger = of(i.span);
            }
            for r in &mut f.refs {
                r.trigger = of(r.span);
            }
            for e in &mut f.embedded {
                e.trigger = of(e.span);
            }
            for flow in &mut f.flows {
                flow.trigger = of(flow.span);
            }
        }
    }
}

/// Longest chain kept for a finding.
const MAX_CHAIN: usize = 64;

#[cfg(test)]
mod tests;
