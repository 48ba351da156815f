//! The walk over a parsed module that records facts: calls with resolved names and
//! summarised arguments, strings (literal and folded), imports, attribute reads, classes,
//! and where each runs.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use crate::code_in_strings::PendingCode;
use crate::facts::{
    Arg, Call, ClassDef, Const, FileFacts, FileRole, Import, NameRef, StrLit, Trigger,
};
use crate::scope::{Binding, Scope};

/// How deep the walk descends; past it the file is marked truncated (hostile nesting).
const MAX_WALK_DEPTH: u32 = 1_500;
/// Caps on facts per file, so a generated file cannot exhaust memory.
const MAX_FACTS: usize = 200_000;
/// Shortest literal worth keeping as a string fact.
const MIN_STRING: usize = 4;

pub struct Analyzer {
    pub(crate) facts: FileFacts,
    pub(crate) scope: Scope,
    /// Function ids enclosing the current point (innermost last).
    functions: Vec<u32>,
    /// Hashed name of each function, by id.
    function_names: Vec<u64>,
    /// Owner (function id) of each call, string, import and ref, for trigger propagation.
    owners: Owners,
    /// Bare names (hashed) each function (or the top level, `None`) calls.
    callees: HashMap<Option<u32>, HashSet<u64>>,
    main_guard: u32,
    depth: u32,
    /// Inside an expression already folded whole: its parts need not be folded again.
    folded_depth: u32,
    /// Keep docstrings as string facts: only when the file could read them back.
    keep_docstrings: bool,
    /// Line of the last span: the walk moves forward, so the next is usually on it or near.
    line_hint: std::cell::Cell<usize>,
    /// Constant strings run as code (or written out as scripts).
    pub(crate) code_in_strings: Vec<PendingCode>,
    /// A decompressor hit the output budget while folding (a bomb, or a huge payload).
    pub(crate) decode_overflow: std::cell::Cell<bool>,
}

#[derive(Default)]
struct Owners {
    calls: Vec<Option<u32>>,
    strings: Vec<Option<u32>>,
    imports: Vec<Option<u32>>,
    refs: Vec<Option<u32>>,
}

impl Analyzer {
    pub fn new(facts: FileFacts) -> Self {
        // A docstring is dead text unless read back (`__doc__`, `inspect.getdoc`); benign
        // code holds megabytes of them, so they are facts only where they could be payload.
        let keep_docstrings = matches!(facts.role, FileRole::SetupPy | FileRole::Pth)
            || facts.source.contains("__doc__")
            || facts.source.contains("getdoc");
        Analyzer {
            keep_docstrings,
            line_hint: std::cell::Cell::new(0),
            code_in_strings: Vec::new(),
            decode_overflow: std::cell::Cell::new(false),
            facts,
            scope: Scope::default(),
            functions: Vec::new(),
            function_names: Vec::new(),
            owners: Owners::default(),
            callees: HashMap::default(),
            main_guard: 0,
            depth: 0,
            folded_depth: 0,
        }
    }

    /// Walk a module: its facts, and the constant strings it runs as code (with the index
    /// of the call that runs each).
    pub fn run(mut self, body: &[Stmt]) -> (FileFacts, Vec<PendingCode>) {
        self.visit_body(body);
        self.assign_triggers();
        if self.decode_overflow.get() {
            self.facts.decoding_stopped = Some(format!(
                "a decompressed payload grew past {} bytes",
                crate::decoders::MAX_DECODED
            ));
        }
        (self.facts, self.code_in_strings)
    }

    /// The trigger of code at the current point, before reachability is known.
    fn here(&self) -> Trigger {
        match self.facts.role {
            FileRole::SetupPy | FileRole::Pth => Trigger::Install,
            FileRole::Module if self.main_guard > 0 || !self.functions.is_empty() => {
                Trigger::Runtime
            }
            FileRole::Module => Trigger::Import,
            FileRole::Auxiliary => Trigger::Runtime,
        }
    }

    fn owner(&self) -> Option<u32> {
        if self.main_guard > 0 {
            Some(u32::MAX)
        } else {
            self.functions.last().copied()
        }
    }

    fn span_of(&self, node: &impl Ranged) -> crate::facts::Span {
        let r = node.range();
        self.facts
            .span_near(r.start().to_u32(), r.end().to_u32(), &self.line_hint)
    }

    fn full(&self) -> bool {
        self.facts.calls.len() + self.facts.strings.len() + self.facts.refs.len() >= MAX_FACTS
    }

    /// Functions reached from top-level code run at import time too.
    fn assign_triggers(&mut self) {
        if self.facts.role != FileRole::Module {
            return;
        }
        let mut by_name: HashMap<u64, Vec<u32>> = HashMap::default();
        for (id, name) in self.function_names.iter().enumerate() {
            by_name.entry(*name).or_default().push(id as u32);
        }
        let mut reached: HashSet<u32> = HashSet::default();
        let mut todo: Vec<Option<u32>> = vec![None];
        while let Some(owner) = todo.pop() {
            let Some(names) = self.callees.get(&owner) else {
                continue;
            };
            for name in names {
                for &id in by_name.get(name).map_or(&[][..], |v| v) {
                    if reached.insert(id) {
                        todo.push(Some(id));
                    }
                }
            }
        }
        let lift = |owner: &Option<u32>, t: &mut Trigger| {
            if let Some(id) = owner {
                if reached.contains(id) {
                    *t = Trigger::Import;
                }
            }
        };
        for (c, o) in self.facts.calls.iter_mut().zip(&self.owners.calls) {
            lift(o, &mut c.trigger);
        }
        for (s, o) in self.facts.strings.iter_mut().zip(&self.owners.strings) {
            lift(o, &mut s.trigger);
        }
        for (i, o) in self.facts.imports.iter_mut().zip(&self.owners.imports) {
            lift(o, &mut i.trigger);
        }
        for (r, o) in self.facts.refs.iter_mut().zip(&self.owners.refs) {
            lift(o, &mut r.trigger);
        }
    }

    /// What an argument expression is made of.
    pub fn summarise(&self, expr: &Expr) -> Arg {
        let mut arg = Arg {
            value: self.fold(expr),
            ..Arg::default()
        };
        self.collect_parts(expr, &mut arg, 0);
        arg
    }

    fn collect_parts(&self, expr: &Expr, arg: &mut Arg, depth: u32) {
        if depth > 48 || arg.calls.len() + arg.names.len() > 64 {
            return;
        }
        match expr {
            Expr::Call(c) => {
                let name = self
                    .qualify(&c.func)
                    .unwrap_or_else(|| self.raw_name(&c.func));
                push_unique(&mut arg.calls, name);
                self.collect_parts(&c.func, arg, depth + 1);
                for a in c.arguments.args.iter() {
                    self.collect_parts(a, arg, depth + 1);
                }
                for k in c.arguments.keywords.iter() {
                    self.collect_parts(&k.value, arg, depth + 1);
                }
            }
            Expr::Name(n) => {
                if let Some(b) = self.scope.get(n.id.as_str()) {
                    for c in &b.calls {
                        push_unique(&mut arg.calls, c.clone());
                    }
                    if let Some(q) = &b.qualified {
                        push_unique(&mut arg.names, q.clone());
                    }
                }
            }
            Expr::Attribute(a) => {
                if let Some(q) = self.qualify(expr) {
                    push_unique(&mut arg.names, q);
                }
                self.collect_parts(&a.value, arg, depth + 1);
            }
            Expr::Subscript(s) => {
                if let Some(q) = self.qualify(expr) {
                    push_unique(&mut arg.names, q);
                }
                self.collect_parts(&s.value, arg, depth + 1);
                self.collect_parts(&s.slice, arg, depth + 1);
            }
            Expr::BinOp(b) => {
                self.collect_parts(&b.left, arg, depth + 1);
                self.collect_parts(&b.right, arg, depth + 1);
            }
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                for e in elts.iter().take(32) {
                    self.collect_parts(e, arg, depth + 1);
                }
            }
            Expr::FString(f) => {
                for part in f.value.iter() {
                    if let ast::FStringPart::FString(fs) = part {
                        for el in fs.elements.iter() {
                            if let ast::InterpolatedStringElement::Interpolation(i) = el {
                                self.collect_parts(&i.expression, arg, depth + 1);
                            }
                        }
                    }
                }
            }
            Expr::Dict(d) => {
                for item in d.items.iter().take(32) {
                    self.collect_parts(&item.value, arg, depth + 1);
                }
            }
            Expr::Starred(s) => self.collect_parts(&s.value, arg, depth + 1),
            Expr::Await(a) => self.collect_parts(&a.value, arg, depth + 1),
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => {
                self.collect_parts(elt, arg, depth + 1);
                for g in generators {
                    self.collect_parts(&g.iter, arg, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn bind_target(&mut self, target: &Expr, value: &Expr) {
        match target {
            Expr::Name(n) => {
                let binding = self.binding_of(value);
                self.scope.bind(n.id.as_str(), binding);
            }
            Expr::Tuple(ast::ExprTuple { elts: targets, .. })
            | Expr::List(ast::ExprList { elts: targets, .. }) => {
                // a, b = "x", "y" binds each; anything else binds to what made the whole.
                match value {
                    Expr::Tuple(ast::ExprTuple { elts: values, .. })
                    | Expr::List(ast::ExprList { elts: values, .. })
                        if values.len() == targets.len() =>
                    {
                        for (t, v) in targets.iter().zip(values.iter()) {
                            self.bind_target(t, v);
                        }
                    }
                    _ => {
                        let calls = self.summarise(value).calls;
                        for t in targets {
                            if let Expr::Name(n) = t {
                                let b = Binding {
                                    calls: calls.clone(),
                                    ..Binding::default()
                                };
                                self.scope.bind(n.id.as_str(), b);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn binding_of(&self, value: &Expr) -> Binding {
        let summary = self.summarise(value);
        let qualified = match value {
            Expr::Name(_) | Expr::Attribute(_) | Expr::Call(_) | Expr::Subscript(_) => {
                self.qualify(value)
            }
            _ => None,
        };
        Binding {
            qualified,
            value: summary.value,
            calls: summary.calls,
        }
    }

    fn record_call(&mut self, call: &ast::ExprCall) {
        let name = self
            .qualify(&call.func)
            .unwrap_or_else(|| self.raw_name(&call.func));
        let args: Vec<Arg> = call
            .arguments
            .args
            .iter()
            .map(|a| self.summarise(a))
            .collect();
        let keywords = call
            .arguments
            .keywords
            .iter()
            .map(|k| {
                (
                    k.arg
                        .as_ref()
                        .map_or_else(|| "**".to_string(), |a| a.as_str().to_string()),
                    self.summarise(&k.value),
                )
            })
            .collect();
        // Remember which local functions run from here, for import-time reachability.
        let bare = match call.func.as_ref() {
            Expr::Name(n) => Some(n.id.as_str()),
            Expr::Attribute(a) => Some(a.attr.as_str()),
            _ => None,
        };
        if let Some(bare) = bare {
            let owner = self.functions.last().copied();
            if self.main_guard == 0 {
                self.callees
                    .entry(owner)
                    .or_default()
                    .insert(name_hash(bare));
            }
        }
        if matches!(
            name.as_str(),
            "builtins.__import__" | "importlib.import_module"
        ) {
            if let Some(Const::Str(m)) = call.arguments.args.first().and_then(|a| self.fold(a)) {
                self.push_import(m, call);
            }
        }
        self.note_code_in_strings(&name, call, &args);
        let span = self.span_of(call);
        let trigger = self.here();
        self.facts.calls.push(Call {
            name,
            args,
            keywords,
            span,
            trigger,
        });
        self.owners.calls.push(self.owner());
    }

    fn push_string(&mut self, value: String, node: &impl Ranged, folded: bool) {
        if value.len() < MIN_STRING
            || (value.len() < 4 * MIN_STRING && value.chars().count() < MIN_STRING)
            || self.full()
        {
            return;
        }
        let span = self.span_of(node);
        let trigger = self.here();
        self.facts
            .strings
            .push(StrLit::new(value, span, trigger, folded));
        self.owners.strings.push(self.owner());
    }

    fn push_import(&mut self, module: String, node: &impl Ranged) {
        let span = self.span_of(node);
        let trigger = self.here();
        self.facts.imports.push(Import {
            module,
            span,
            trigger,
        });
        self.owners.imports.push(self.owner());
    }

    fn visit_import(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Import(imp) => {
                for alias in &imp.names {
                    let module = alias.name.as_str();
                    match &alias.asname {
                        Some(asname) => self.scope.bind_module(asname.as_str(), module),
                        None => {
                            let top = module.split('.').next().unwrap_or(module);
                            self.scope.bind_module(top, top);
                        }
                    }
                    self.push_import(module.to_string(), alias);
                }
            }
            Stmt::ImportFrom(imp) => {
                let base = format!(
                    "{}{}",
                    ".".repeat(imp.level as usize),
                    imp.module.as_ref().map_or("", |m| m.as_str())
                );
                for alias in &imp.names {
                    let name = alias.name.as_str();
                    let qualified = if base.ends_with('.') || base.is_empty() {
                        format!("{base}{name}")
                    } else {
                        format!("{base}.{name}")
                    };
                    if name != "*" {
                        let local = alias.asname.as_ref().map_or(name, |a| a.as_str());
                        self.scope.bind_module(local, &qualified);
                    }
                    self.push_import(qualified, alias);
                }
            }
            _ => {}
        }
    }
}

/// Function names are matched by hash: a collision only makes a function count as reached.
fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name)
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(cmp) = test else {
        return false;
    };
    let names_main = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    (names_main(&cmp.left) && cmp.comparators.iter().any(is_main))
        || (is_main(&cmp.left) && cmp.comparators.iter().any(names_main))
}

impl<'a> Visitor<'a> for Analyzer {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.depth > MAX_WALK_DEPTH {
            self.facts.truncated = true;
            return;
        }
        self.depth += 1;
        match stmt {
            Stmt::Import(_) | Stmt::ImportFrom(_) => self.visit_import(stmt),
            Stmt::Expr(e) if !self.keep_docstrings && e.value.is_string_literal_expr() => {}
            Stmt::FunctionDef(f) => {
                for d in f.decorator_list.iter() {
                    self.visit_expr(&d.expression);
                }
                let id = self.function_names.len() as u32;
                self.function_names.push(name_hash(f.name.as_str()));
                self.functions.push(id);
                self.visit_body(&f.body);
                self.functions.pop();
            }
            Stmt::ClassDef(c) => {
                let bases = c
                    .arguments
                    .as_ref()
                    .map(|a| {
                        a.args
                            .iter()
                            .map(|b| self.qualify(b).unwrap_or_else(|| self.raw_name(b)))
                            .collect()
                    })
                    .unwrap_or_default();
                let span = self.span_of(c);
                self.facts.classes.push(ClassDef {
                    name: c.name.as_str().to_string(),
                    bases,
                    span,
                });
                visitor::walk_stmt(self, stmt);
            }
            Stmt::If(i) if is_main_guard(&i.test) => {
                self.main_guard += 1;
                self.visit_body(&i.body);
                self.main_guard -= 1;
                for clause in &i.elif_else_clauses {
                    if let Some(t) = &clause.test {
                        self.visit_expr(t);
                    }
                    self.visit_body(&clause.body);
                }
            }
            Stmt::Assign(a) => {
                self.visit_expr(&a.value);
                for t in &a.targets {
                    self.bind_target(t, &a.value);
                    if !matches!(t, Expr::Name(_)) {
                        self.visit_expr(t);
                    }
                }
            }
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.visit_expr(v);
                    self.bind_target(&a.target, v);
                }
            }
            Stmt::AugAssign(a) => {
                self.visit_expr(&a.value);
                if let Expr::Name(n) = a.target.as_ref() {
                    // `x += "piece"`: keep folding the running string.
                    let joined = Expr::BinOp(ast::ExprBinOp {
                        node_index: Default::default(),
                        range: a.range,
                        left: a.target.clone(),
                        op: a.op,
                        right: a.value.clone(),
                    });
                    let mut b = self.binding_of(&joined);
                    if let Some(old) = self.scope.get(n.id.as_str()) {
                        for c in &old.calls {
                            if !b.calls.contains(c) {
                                b.calls.push(c.clone());
                            }
                        }
                    }
                    self.scope.bind(n.id.as_str(), b);
                }
            }
            Stmt::With(w) => {
                for item in &w.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(t) = &item.optional_vars {
                        self.bind_target(t, &item.context_expr);
                    }
                }
                self.visit_body(&w.body);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.depth > MAX_WALK_DEPTH {
            self.facts.truncated = true;
            return;
        }
        if self.full() {
            return;
        }
        self.depth += 1;
        let mut folded_here = false;
        match expr {
            Expr::StringLiteral(s) => {
                if self.folded_depth == 0 || s.value.to_str().len() >= MIN_STRING {
                    self.push_string(s.value.to_str().to_string(), s, false);
                }
            }
            Expr::BytesLiteral(b) => {
                let bytes: Vec<u8> = b
                    .value
                    .iter()
                    .flat_map(|p| p.value.iter().copied())
                    .collect();
                if bytes
                    .iter()
                    .filter(|c| c.is_ascii_graphic() || **c == b' ')
                    .count()
                    * 10
                    >= bytes.len() * 9
                {
                    self.push_string(String::from_utf8_lossy(&bytes).into_owned(), b, false);
                }
            }
            Expr::Call(c) => {
                self.record_call(c);
                self.note_platform_test(c);
                folded_here = self.fold_composite(expr);
            }
            Expr::Compare(c) => self.note_platform_comparison(c),
            Expr::BinOp(_) | Expr::Subscript(_) => {
                folded_here = self.fold_composite(expr);
            }
            Expr::FString(f) => {
                folded_here = self.fold_composite(expr);
                if !folded_here && self.folded_depth == 0 {
                    // Holes that do not fold (`{os.getlogin()}`): the written parts still say
                    // where the string points (`C:\Users\{…}\AppData\…\Startup`).
                    if let Some(skeleton) = crate::fold::fstring_text(f, |_| Some("{…}".into())) {
                        self.push_string(skeleton, f, true);
                    }
                }
            }
            Expr::Attribute(a) if matches!(a.ctx, ast::ExprContext::Load) => {
                if let Some(q) = self.qualify(expr) {
                    if q.contains('.') && self.facts.refs.len() < MAX_FACTS {
                        let span = self.span_of(a);
                        let trigger = self.here();
                        self.facts.refs.push(NameRef {
                            name: q,
                            span,
                            trigger,
                        });
                        self.owners.refs.push(self.owner());
                    }
                }
            }
            _ => {}
        }
        if folded_here {
            self.folded_depth += 1;
        }
        visitor::walk_expr(self, expr);
        if folded_here {
            self.folded_depth -= 1;
        }
        self.depth -= 1;
    }
}

impl Analyzer {
    /// Fold a composite expression once, at its outermost point, and keep the result as a
    /// string fact when it differs from every literal inside it.
    fn fold_composite(&mut self, expr: &Expr) -> bool {
        if self.folded_depth > 0 {
            return false;
        }
        match self.fold(expr) {
            Some(Const::Str(s)) => {
                self.push_string(s, expr, true);
                true
            }
            Some(Const::Bytes(b)) => {
                self.push_string(String::from_utf8_lossy(&b).into_owned(), expr, true);
                true
            }
            _ => false,
        }
    }
}
