//! The walk over a parsed module that records facts: calls with resolved names and
//! summarised arguments, strings (literal and folded), imports, attribute reads, classes,
//! and where each runs.

use rustc_hash::FxHashMap as HashMap;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use crate::code_in_strings::PendingCode;
use crate::facts::{
    Arg, Call, ClassDef, CodeScope, Const, Edge, EdgeKind, FileFacts, FileRole, Import,
    ImportAlias, MODULE_SCOPE, NameRef, ScopeId, ScopeKind, StrLit, Trigger,
};
use crate::scope::{Binding, Scope};

/// How deep the walk descends; past it the file is marked truncated (hostile nesting).
const MAX_WALK_DEPTH: u32 = 1_500;
/// Caps on facts per file, so a generated file cannot exhaust memory.
const MAX_FACTS: usize = 200_000;
/// Shortest literal worth keeping as a string fact.
const MIN_STRING: usize = 4;
/// Cap on import aliases kept per file.
const MAX_ALIASES: usize = 10_000;
/// Cap on code scopes (functions, classes) per file: the program model stays bounded.
pub(crate) const MAX_SCOPES: usize = 50_000;

pub struct Analyzer {
    pub(crate) facts: FileFacts,
    pub(crate) scope: Scope,
    /// Scopes enclosing the current point (innermost last; the module body first).
    scopes: Vec<ScopeId>,
    /// Names bound to an instance of a named class (`x = C()` gives `x` → `C`).
    pub(crate) instances: HashMap<String, String>,
    /// Parameter names of the functions enclosing the current point (innermost last); empty
    /// at a module's or class's top level, where code runs when the file is imported.
    params: Vec<Vec<String>>,
    main_guard: u32,
    depth: u32,
    /// Inside an expression already folded whole: its parts need not be folded again.
    folded_depth: u32,
    /// Keep docstrings as string facts: only when the file could read them back.
    keep_docstrings: bool,
    /// Line of the last span: the walk moves forward, so the next is usually on it or near.
    pub(crate) line_hint: std::cell::Cell<usize>,
    /// Constant strings run as code (or written out as scripts).
    pub(crate) code_in_strings: Vec<PendingCode>,
    /// A decompressor hit the output budget while folding (a bomb, or a huge payload).
    pub(crate) decode_overflow: std::cell::Cell<bool>,
    /// Where connections made in this file go, by the name holding them (`s` after
    /// `s.connect((host, port))`, `conn = HTTPSConnection(host)`).
    pub(crate) endpoints: HashMap<String, crate::flow::Destination>,
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
            endpoints: HashMap::default(),
            facts,
            scope: Scope::default(),
            scopes: vec![MODULE_SCOPE],
            instances: HashMap::default(),
            params: Vec::new(),
            main_guard: 0,
            depth: 0,
            folded_depth: 0,
        }
    }

    /// Walk a module: its facts, and the constant strings it runs as code (with the index
    /// of the call that runs each).
    pub fn run(mut self, body: &[Stmt]) -> (FileFacts, Vec<PendingCode>) {
        self.visit_body(body);
        if self.decode_overflow.get() {
            self.facts.decoding_stopped = Some(format!(
                "a decompressed payload grew past {} bytes",
                crate::decoders::MAX_DECODED
            ));
        }
        (self.facts, self.code_in_strings)
    }

    /// The trigger of code at the current point, before reachability is known.
    pub(crate) fn here(&self) -> Trigger {
        match self.facts.role {
            FileRole::SetupPy | FileRole::Pth => Trigger::Install,
            FileRole::Module if self.main_guard > 0 || !self.params.is_empty() => Trigger::Runtime,
            FileRole::Module => Trigger::Import,
            FileRole::Auxiliary => Trigger::Runtime,
        }
    }

    /// Whether a name is a parameter of the function around the current point.
    pub(crate) fn is_parameter(&self, name: &str) -> bool {
        self.params
            .last()
            .is_some_and(|p| p.iter().any(|p| p == name))
    }

    /// Whether the current point is inside a function body.
    pub(crate) fn in_function(&self) -> bool {
        !self.params.is_empty()
    }

    fn current_scope(&self) -> ScopeId {
        *self.scopes.last().unwrap_or(&MODULE_SCOPE)
    }

    /// Open a scope for a definition or a main guard; facts inside it are placed in it.
    fn open_scope(&mut self, kind: ScopeKind, name: &str, node: &impl Ranged) -> bool {
        if self.facts.scopes.len() >= MAX_SCOPES {
            self.facts.scopes_capped = true;
            return false;
        }
        let parent = self.current_scope();
        let parent_qual = &self.facts.scopes[parent as usize];
        let qualname = if parent == MODULE_SCOPE || parent_qual.kind == ScopeKind::MainGuard {
            name.to_string()
        } else {
            format!("{}.{name}", parent_qual.qualname)
        };
        let span = self.span_of(node);
        let id = self.facts.scopes.len() as ScopeId;
        self.facts.scopes.push(CodeScope {
            kind,
            name: name.to_string(),
            qualname,
            parent,
            span,
            calls_parameter: false,
            params: Vec::new(),
        });
        self.scopes.push(id);
        true
    }

    pub(crate) fn edge(&mut self, kind: EdgeKind, target: String, node: &impl Ranged) {
        if self.facts.edges.len() >= MAX_FACTS {
            return;
        }
        let span = self.span_of(node);
        self.facts.edges.push(Edge { kind, target, span });
    }

    /// What an expression names, resolved when the file's scope knows it, else as written.
    pub(crate) fn name_of(&self, expr: &Expr) -> String {
        self.qualify(expr).unwrap_or_else(|| self.raw_name(expr))
    }

    pub(crate) fn span_of(&self, node: &impl Ranged) -> crate::facts::Span {
        let r = node.range();
        let mut span = self
            .facts
            .span_near(r.start().to_u32(), r.end().to_u32(), &self.line_hint);
        span.scope = self.current_scope();
        span
    }

    fn full(&self) -> bool {
        self.facts.calls.len() + self.facts.strings.len() + self.facts.refs.len() >= MAX_FACTS
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
                if let Expr::Call(c) = value {
                    let callee = self.name_of(&c.func);
                    self.note_endpoint(n.id.to_string(), &callee, c);
                }
                if let Expr::Call(c) = value {
                    if matches!(c.func.as_ref(), Expr::Name(_) | Expr::Attribute(_))
                        && self.instances.len() < MAX_SCOPES
                    {
                        let mut class = self.name_of(&c.func);
                        // `inner = outer.Inner()` where `outer` is itself an instance.
                        if let Some((head, rest)) = class.split_once('.') {
                            if let Some(outer) = self.instances.get(head) {
                                class = format!("{outer}.{rest}");
                            }
                        }
                        self.instances.insert(n.id.to_string(), class);
                    }
                }
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
                        let taint = self.taint_of(value);
                        self.bind_each(targets, &calls, &taint);
                    }
                }
            }
            Expr::Attribute(a) => {
                // `self.url = url`: methods of the class read it back.
                if let Some(key) = crate::taint::attribute_key(a) {
                    let binding = self.binding_of(value);
                    self.scope.bind(&key, binding);
                    if let Expr::Call(c) = value {
                        let callee = self.name_of(&c.func);
                        self.note_endpoint(key, &callee, c);
                    }
                }
            }
            Expr::Subscript(s) => {
                // `d["k"] = v`: the container holds v.
                if let Some(key) = crate::taint::value_key(&s.value) {
                    let taint = self.taint_of(value);
                    self.add_taint(&key, &taint);
                }
            }
            _ => {}
        }
    }

    /// Bind names of an unpacking target (`a, b = f()`, `for k, v in d.items()`) to what
    /// the whole value is made of.
    fn bind_each(&mut self, targets: &[Expr], calls: &[String], taint: &crate::flow::Taint) {
        for t in targets.iter().take(64) {
            match t {
                Expr::Name(n) => {
                    let b = Binding {
                        calls: calls.to_vec(),
                        taint: (!taint.is_empty()).then(|| Box::new(taint.clone())),
                        ..Binding::default()
                    };
                    self.scope.bind(n.id.as_str(), b);
                }
                Expr::Tuple(ast::ExprTuple { elts, .. })
                | Expr::List(ast::ExprList { elts, .. }) => self.bind_each(elts, calls, taint),
                Expr::Starred(s) => self.bind_each(std::slice::from_ref(&s.value), calls, taint),
                _ => {}
            }
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
        let taint = self.taint_of(value);
        let shape = if summary.value.is_none() {
            self.shape(value).map(String::into_boxed_str)
        } else {
            None
        };
        Binding {
            qualified,
            value: summary.value,
            calls: summary.calls,
            taint: (!taint.is_empty()).then(|| Box::new(taint)),
            shape,
        }
    }

    fn record_call(&mut self, call: &ast::ExprCall) {
        let name = self
            .qualify(&call.func)
            .unwrap_or_else(|| self.raw_name(&call.func));
        let mut args: Vec<Arg> = call
            .arguments
            .args
            .iter()
            .map(|a| self.summarise(a))
            .collect();
        // Which file is opened or written, which address fetched, when it is built rather
        // than written whole.
        let place = crate::taint::place_argument(&name);
        if let Some((at, _)) = place {
            if let (Some(arg), Some(expr)) = (args.get_mut(at), call.arguments.args.get(at)) {
                if arg.value.is_none() {
                    arg.path = self.shape(expr);
                }
            }
        }
        let keywords = call
            .arguments
            .keywords
            .iter()
            .map(|k| {
                let keyword = k
                    .arg
                    .as_ref()
                    .map_or_else(|| "**".to_string(), |a| a.as_str().to_string());
                let mut arg = self.summarise(&k.value);
                if place.is_some_and(|(_, kw)| kw == keyword) && arg.value.is_none() {
                    arg.path = self.shape(&k.value);
                }
                (keyword, arg)
            })
            .collect();
        self.note_edges(&name, call);
        if let Expr::Name(n) = call.func.as_ref() {
            let own = self.is_parameter(n.id.as_str());
            let scope = self.current_scope() as usize;
            if own && self.facts.scopes[scope].kind == ScopeKind::Function {
                self.facts.scopes[scope].calls_parameter = true;
            }
        }
        if matches!(
            name.as_str(),
            "builtins.__import__" | "importlib.import_module" | "runpy.run_module"
        ) {
            if let Some(Const::Str(m)) = call.arguments.args.first().and_then(|a| self.fold(a)) {
                self.push_import(m, call);
            }
        }
        self.note_code_in_strings(&name, call, &args);
        if let Expr::Attribute(a) = call.func.as_ref() {
            if a.attr.as_str() == "connect" {
                if let Some(key) = crate::taint::value_key(&a.value) {
                    self.note_endpoint(key, &name, call);
                }
            }
        }
        self.note_flow(&name, call);
        let span = self.span_of(call);
        let trigger = self.here();
        self.facts.calls.push(Call {
            name,
            args,
            keywords,
            span,
            trigger,
        });
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
    }

    fn push_import(&mut self, module: String, node: &impl Ranged) {
        let span = self.span_of(node);
        let trigger = self.here();
        self.facts.imports.push(Import {
            module,
            span,
            trigger,
        });
    }

    fn alias(&mut self, local: &str, target: &str) {
        // Only the module's own bindings re-export; imports inside functions are local.
        if self.params.is_empty() && self.facts.aliases.len() < MAX_ALIASES {
            self.facts.aliases.push(ImportAlias {
                local: local.to_string(),
                target: target.to_string(),
            });
        }
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
                    let local = alias.asname.as_ref().map_or(module, |a| a.as_str());
                    self.alias(local, module);
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
                    let local = alias.asname.as_ref().map_or(name, |a| a.as_str());
                    if name != "*" {
                        self.scope.bind_module(local, &qualified);
                        self.alias(local, &qualified);
                    } else {
                        self.alias("*", &base);
                    }
                    self.push_import(qualified, alias);
                }
            }
            _ => {}
        }
    }
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
                    self.note_decorator(&d.expression, f.name.as_str());
                }
                for p in f.parameters.iter_non_variadic_params() {
                    if let Some(default) = &p.default {
                        self.visit_expr(default);
                    }
                }
                let opened = self.open_scope(ScopeKind::Function, f.name.as_str(), f);
                let params: Vec<String> = f
                    .parameters
                    .iter()
                    .take(64)
                    .map(|p| p.name().to_string())
                    .collect();
                if opened {
                    let scope = self.current_scope() as usize;
                    self.facts.scopes[scope].params = params.clone();
                }
                // Inside the body a parameter is the caller's value, whatever the name is
                // bound to outside.
                let line = self.span_of(f).line;
                let keys = crate::key_params::loaded_as_keys(&f.body, &params);
                let shadowed: Vec<(String, Option<Binding>)> = params
                    .iter()
                    .filter(|p| !matches!(p.as_str(), "self" | "cls"))
                    .map(|p| {
                        let old = self.scope.take(p);
                        let mut taint =
                            crate::flow::Taint::of(crate::flow::Source::Parameter(p.clone()), line);
                        if keys.contains(p) {
                            taint.add(crate::flow::Atom {
                                source: crate::flow::Source::KeyParameter(p.clone()),
                                line,
                            });
                        }
                        let b = Binding {
                            taint: Some(Box::new(taint)),
                            ..Binding::default()
                        };
                        self.scope.bind(p, b);
                        (p.clone(), old)
                    })
                    .collect();
                self.params.push(params);
                self.visit_body(&f.body);
                self.params.pop();
                for (p, old) in shadowed {
                    self.scope.restore(&p, old);
                }
                if opened {
                    self.scopes.pop();
                }
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
                for d in c.decorator_list.iter() {
                    self.visit_expr(&d.expression);
                    self.note_decorator(&d.expression, c.name.as_str());
                }
                if let Some(arguments) = &c.arguments {
                    for b in arguments.args.iter() {
                        self.visit_expr(b);
                        let target = self.name_of(b);
                        self.edge(EdgeKind::Subclass, target, b);
                    }
                    for k in arguments.keywords.iter() {
                        self.visit_expr(&k.value);
                        if k.arg.as_ref().is_some_and(|a| a.as_str() == "metaclass") {
                            let target = self.name_of(&k.value);
                            self.edge(EdgeKind::Metaclass, target, &k.value);
                        }
                    }
                }
                let opened = self.open_scope(ScopeKind::Class, c.name.as_str(), c);
                self.visit_body(&c.body);
                if opened {
                    self.scopes.pop();
                }
            }
            Stmt::If(i) if is_main_guard(&i.test) => {
                self.main_guard += 1;
                let opened = self.open_scope(ScopeKind::MainGuard, "<main>", i);
                self.visit_body(&i.body);
                if opened {
                    self.scopes.pop();
                }
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
                    self.note_hook(t, &a.value);
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
            Stmt::For(f) => {
                self.visit_expr(&f.iter);
                let taint = self.taint_of(&f.iter);
                if !taint.is_empty() {
                    self.bind_each(std::slice::from_ref(&f.target), &[], &taint);
                }
                self.visit_body(&f.body);
                self.visit_body(&f.orelse);
            }
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    self.visit_expr(v);
                }
                self.note_return(r);
            }
            Stmt::With(w) => {
                for item in &w.items {
                    self.visit_expr(&item.context_expr);
                    if let Expr::Call(c) = &item.context_expr {
                        let target = self.name_of(&c.func);
                        self.edge(EdgeKind::With, target, c);
                    }
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
