//! Edges between scopes that are not plain calls: how code starts other code without calling
//! it by name. A function passed to a call (`Thread(target=f)`), a decorator, an instance's
//! method, a `with` block, a class's metaclass and bases, a hook, a setup command, and a
//! program started on a file of the package. The analysis records them as written; the
//! program model resolves them across the package and decides which calls really start
//! what they are given.

use ruff_python_ast::{self as ast, Expr};

use crate::analyzer::Analyzer;
use crate::facts::{Const, EdgeKind};

/// Arguments looked at per call for function references: enough for any real start API.
const MAX_ARGS_LOOKED_AT: usize = 16;

impl Analyzer {
    /// Edges a call makes besides calling its own name.
    pub(crate) fn note_edges(&mut self, name: &str, call: &ast::ExprCall) {
        // `x = C(); x.m()`: the method of the instance's class.
        if let Expr::Attribute(a) = call.func.as_ref() {
            if let Expr::Name(receiver) = a.value.as_ref() {
                if let Some(class) = self.instances.get(receiver.id.as_str()) {
                    let target = format!("{class}.{}", a.attr.as_str());
                    self.edge(EdgeKind::InstanceMethod, target, call);
                }
            }
        }
        // Only calls that can run what they are given are worth an edge: start APIs, and
        // what may be the package's own functions (callbacks).
        let args = call.arguments.args.iter();
        let keywords = call.arguments.keywords.iter().map(|k| &k.value);
        let may_start = may_be_own(name) || start_api(name);
        for arg in args
            .chain(keywords)
            .take(MAX_ARGS_LOOKED_AT * usize::from(may_start))
        {
            if self.is_function_reference(arg) {
                let target = self.name_of(arg);
                self.edge(EdgeKind::Argument(name.to_string()), target, arg);
            }
        }
        for k in call.arguments.keywords.iter() {
            if k.arg.as_ref().is_some_and(|a| a.as_str() == "cmdclass") {
                if let Expr::Dict(d) = &k.value {
                    for item in d.items.iter().take(MAX_ARGS_LOOKED_AT) {
                        if matches!(item.value, Expr::Name(_) | Expr::Attribute(_)) {
                            let target = self.name_of(&item.value);
                            self.edge(EdgeKind::Cmdclass, target, &item.value);
                        }
                    }
                }
            }
        }
        if runs_programs(name) || runs_code_of_files(name) {
            self.note_programs_run(call);
        }
    }

    /// `@deco` and `@factory(...)` above the definition of `decorated`. Decorating is calling
    /// the decorator with the function: `@atexit.register` starts it like
    /// `atexit.register(f)` would.
    pub(crate) fn note_decorator(&mut self, expr: &Expr, decorated: &str) {
        match expr {
            Expr::Name(_) | Expr::Attribute(_) => {
                let target = self.name_of(expr);
                self.edge(
                    EdgeKind::Argument(target.clone()),
                    decorated.to_string(),
                    expr,
                );
                self.edge(EdgeKind::Decorator, target, expr);
            }
            Expr::Call(c) => {
                let target = self.name_of(&c.func);
                self.edge(EdgeKind::DecoratorFactory, target, c);
            }
            _ => {}
        }
    }

    /// `sys.excepthook = f` and the other interpreter hooks that run a function later.
    pub(crate) fn note_hook(&mut self, target: &Expr, value: &Expr) {
        if !matches!(target, Expr::Attribute(_)) || !self.is_function_reference(value) {
            return;
        }
        let Some(hook) = self.qualify(target) else {
            return;
        };
        if HOOKS.contains(&hook.as_str()) {
            let function = self.name_of(value);
            self.edge(EdgeKind::Hook(hook), function, value);
        }
    }

    /// A name that may stand for a function: not a call, not a constant, not a value made
    /// by a call (`data = f()` passed on is data, not code).
    fn is_function_reference(&self, expr: &Expr) -> bool {
        match expr {
            // A parameter holds whatever the caller passed, not one of the package's functions.
            Expr::Name(n) if self.is_parameter(n.id.as_str()) => false,
            Expr::Name(n) => self
                .scope
                .get(n.id.as_str())
                .is_none_or(|b| b.value.is_none() && b.calls.is_empty()),
            Expr::Attribute(a) => matches!(a.ctx, ast::ExprContext::Load),
            _ => false,
        }
    }

    /// A program or code started on a file or module of the package: `[sys.executable,
    /// __file__]`, `python -m pkg.mod`, `exec(open("x.py").read())`, `runpy.run_module(m)`.
    fn note_programs_run(&mut self, call: &ast::ExprCall) {
        let mut words: Vec<String> = Vec::new();
        let mut this_file = false;
        for arg in call.arguments.args.iter().take(MAX_ARGS_LOOKED_AT) {
            self.words_of(arg, &mut words, &mut this_file, 0);
        }
        let name = self.name_of(&call.func);
        if this_file {
            let me = self.facts.path.rsplit('/').next().unwrap_or("").to_string();
            self.edge(EdgeKind::RunsFile(me.clone()), me, call);
        }
        // `runpy.run_module(m)` imports m (an import fact); only with `run_name="__main__"`
        // does its main guard run too.
        let as_main = call.arguments.keywords.iter().any(|k| {
            k.arg.as_ref().is_some_and(|a| a.as_str() == "run_name")
                && self.fold(&k.value).and_then(|v| v.text()).as_deref() == Some("__main__")
        });
        if name == "runpy.run_module" && as_main {
            if let Some(module) = words.first().cloned() {
                self.edge(EdgeKind::RunsModule(module.clone()), module, call);
            }
        }
        let mut i = 0;
        while i < words.len() {
            let word = words[i].trim_matches(|c| c == '"' || c == '\'');
            if word == "-m" {
                if let Some(module) = words.get(i + 1) {
                    let module = module.clone();
                    self.edge(EdgeKind::RunsModule(module.clone()), module, call);
                }
                i += 2;
                continue;
            }
            if word.ends_with(".py") || word.ends_with(".pyw") {
                let file = word.rsplit(['/', '\\']).next().unwrap_or(word).to_string();
                if !file.is_empty() && file.len() < 256 {
                    self.edge(EdgeKind::RunsFile(file.clone()), file, call);
                }
            }
            i += 1;
        }
    }

    /// The words of an argument as a command line reads them (a list's items, a string split
    /// on spaces, the parts of `os.path.join`), and whether it names this very file.
    fn words_of(&self, expr: &Expr, words: &mut Vec<String>, this_file: &mut bool, depth: u32) {
        if depth > 8 || words.len() > 64 {
            return;
        }
        match expr {
            Expr::Name(n) if n.id.as_str() == "__file__" => *this_file = true,
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                for e in elts.iter().take(32) {
                    self.words_of(e, words, this_file, depth + 1);
                }
            }
            Expr::Call(c) => {
                for a in c.arguments.args.iter().take(MAX_ARGS_LOOKED_AT) {
                    self.words_of(a, words, this_file, depth + 1);
                }
                if let Expr::Attribute(a) = c.func.as_ref() {
                    // `open(path).read()`: the path is in the receiver.
                    self.words_of(&a.value, words, this_file, depth + 1);
                }
            }
            Expr::Attribute(a) => self.words_of(&a.value, words, this_file, depth + 1),
            Expr::BinOp(b) => {
                self.words_of(&b.left, words, this_file, depth + 1);
                self.words_of(&b.right, words, this_file, depth + 1);
            }
            _ => match self.fold(expr).as_ref().and_then(Const::text) {
                Some(text) => words.extend(text.split_whitespace().take(64).map(str::to_string)),
                None => {
                    if let Expr::FString(f) = expr {
                        if let Some(text) = crate::fold::fstring_text(f, |_| Some(" ".into())) {
                            words.extend(text.split_whitespace().take(64).map(str::to_string));
                        }
                    }
                }
            },
        }
    }
}

/// Calls into APIs that run the function they are given (later, or on another thread).
pub fn start_api(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    matches!(
        name,
        "threading.Thread"
            | "threading.Timer"
            | "multiprocessing.Process"
            | "multiprocessing.Pool"
            | "atexit.register"
            | "signal.signal"
            | "sys.settrace"
            | "sys.setprofile"
            | "threading.settrace"
            | "threading.setprofile"
            | "_thread.start_new_thread"
            | "thread.start_new_thread"
            | "builtins.map"
            | "builtins.filter"
    ) || name.starts_with("asyncio.")
        || name.starts_with("concurrent.futures.")
        || matches!(
            last,
            "submit"
                | "map"
                | "apply_async"
                | "starmap"
                | "run_in_executor"
                | "call_soon"
                | "call_soon_threadsafe"
                | "call_later"
                | "call_at"
                | "add_done_callback"
                | "start_new_thread"
                | "Thread"
                | "Timer"
                | "Process"
        )
}

/// A call that may be the package's own function (a bare name, a method, a relative
/// import), so a function it is given may be a callback it runs.
fn may_be_own(name: &str) -> bool {
    !name.contains('.')
        || name.starts_with("self.")
        || name.starts_with("cls.")
        || name.starts_with('.')
}

/// Interpreter hooks that call the function stored in them.
const HOOKS: &[&str] = &[
    "sys.excepthook",
    "sys.displayhook",
    "sys.breakpointhook",
    "sys.unraisablehook",
    "threading.excepthook",
];

/// Calls that start a program from their arguments.
fn runs_programs(name: &str) -> bool {
    name.starts_with("subprocess.")
        || name.starts_with("os.spawn")
        || name.starts_with("os.exec")
        || matches!(
            name,
            "os.system"
                | "os.popen"
                | "os.startfile"
                | "asyncio.create_subprocess_exec"
                | "asyncio.create_subprocess_shell"
        )
}

/// Calls that run the code of a file or module they are given.
fn runs_code_of_files(name: &str) -> bool {
    matches!(
        name,
        "builtins.exec" | "builtins.compile" | "runpy.run_path" | "runpy.run_module"
    )
}
