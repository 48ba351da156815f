//! The facts one Python file yields. Rules read these; they never re-parse.

use serde::Serialize;

/// When the code runs, as the study classifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// setup.py, a custom install command, a `.pth` file: runs when the package is installed
    /// (or, for `.pth`, at every interpreter start).
    Install,
    /// Module top level: runs when the package is imported.
    Import,
    /// Inside a function: runs only when called.
    Runtime,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Install => "install",
            Trigger::Import => "import",
            Trigger::Runtime => "runtime",
        }
    }
    /// When code with this trigger runs, in words for a message.
    pub fn when(self) -> &'static str {
        match self {
            Trigger::Install => "at install time",
            Trigger::Import => "at import time",
            Trigger::Runtime => "when called",
        }
    }
}

/// What a file is to the package: decides the trigger of its top-level code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    /// `setup.py` at the package root: all of it runs at install time.
    SetupPy,
    /// A `.pth` file: its `import` lines run at every interpreter start.
    Pth,
    /// Any other Python module.
    Module,
    /// Tests, docs, examples, benchmarks: code that runs only when someone runs it by hand
    /// or through a test runner, never on install or import.
    Auxiliary,
}

/// A position in the file: 1-based line and column (in characters), and the byte range.
/// Facts found in code decoded from a string sit at the call that runs it, with `layer`
/// naming which decoded payload they come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub start: u32,
    pub end: u32,
    /// 0: the file's own text; k: `FileFacts::embedded[k - 1]`.
    pub layer: u32,
    /// The code scope (module body, function, class body) the fact sits in: an index into
    /// [`FileFacts::scopes`]. Facts of decoded code sit in the scope of the call that runs it.
    pub scope: ScopeId,
}

/// An index into [`FileFacts::scopes`]; [`MODULE_SCOPE`] is the module body.
pub type ScopeId = u32;

/// The module body: scope 0 of every file.
pub const MODULE_SCOPE: ScopeId = 0;

/// What kind of code a scope is: decides when it runs before any call reaches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScopeKind {
    /// The module's top level: runs when the module is imported (or run).
    Module,
    /// A class body: runs when the enclosing code defines the class.
    Class,
    /// A function or method body: runs only when something calls it.
    Function,
    /// An `if __name__ == "__main__":` block: runs when the file is run as a program.
    MainGuard,
}

/// A region of code that runs as one: the module body, a class body, a function, a main
/// guard. Functions nest (`parent`); a method's parent is its class.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeScope {
    pub kind: ScopeKind,
    /// The bare name (`run`, `PostInstall`; `<module>`, `<main>`).
    pub name: String,
    /// Dotted path inside the file (`PostInstall.run`, `outer.inner`).
    pub qualname: String,
    pub parent: ScopeId,
    /// Where the definition is (its first line) and the byte range it covers.
    pub span: Span,
    /// A function that calls one of its own parameters (`def later(f): f()`): a function
    /// passed to it runs.
    pub calls_parameter: bool,
    /// A function's parameter names, in order (`self` first for a method): how the program
    /// model maps what a caller passes to what the function reads.
    pub params: Vec<String>,
}

/// A way one scope starts another that is not a plain call of a name (plain calls and
/// imports are read from [`FileFacts::calls`] and [`FileFacts::imports`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "via")]
pub enum EdgeKind {
    /// A call of a name, read by the token pass (parsed files take calls from the facts).
    Call,
    /// `@deco` above a definition: the decorator runs when the definition does.
    Decorator,
    /// `@factory(...)`: the factory runs, and so does the decorator it returns.
    DecoratorFactory,
    /// A function passed as an argument to a call (`Thread(target=f)`, `atexit.register(f)`,
    /// the package's own `run_later(f)`): the call may run it. Holds the call's name.
    Argument(String),
    /// A function stored in an interpreter hook (`sys.excepthook = f`). Holds the hook.
    Hook(String),
    /// A method called on an instance of a named class (`x = C(); x.m()`).
    InstanceMethod,
    /// `with C():` runs `C.__enter__` and `C.__exit__`.
    With,
    /// `class X(metaclass=M)`: M's `__new__`/`__init__` run when X is defined.
    Metaclass,
    /// `class X(Base)`: `Base.__init_subclass__` runs when X is defined.
    Subclass,
    /// `setup(cmdclass={"install": C})`: every method of C runs at install.
    Cmdclass,
    /// A program runs a file of the package (`[sys.executable, __file__]`, `exec(open(
    /// "x.py").read())`): its top level and its main guard run. The target is a file name.
    RunsFile(String),
    /// A program runs a module of the package (`python -m pkg.mod`, `runpy.run_module`).
    RunsModule(String),
}

/// One edge out of a scope, with its target as written or resolved by the file's scope
/// (`.core.run`, `pkg.core.run`, `self.m`, `C.m`). The program model resolves it across the
/// package's modules.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub kind: EdgeKind,
    pub target: String,
    pub span: Span,
}

/// A name a module binds by importing (`from .core import run as go` binds `go` to
/// `.core.run`): how the program model follows re-exports through `__init__`.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportAlias {
    pub local: String,
    pub target: String,
}

/// One step of a chain: where it is written and what it does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub path: String,
    pub line: u32,
    pub what: String,
}

/// A value known without running anything.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Str(String),
    Bytes(Vec<u8>),
    Int(i64),
    List(Vec<Const>),
}

impl Const {
    /// The value as text: strings as they are, bytes decoded lossily, lists joined by spaces
    /// (so `["curl", url, "|", "sh"]` reads like the shell line it becomes).
    /// The bytes of a string or bytes constant (a decoder's input).
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            Const::Str(s) => Some(s.into_bytes()),
            Const::Bytes(b) => Some(b),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<String> {
        match self {
            Const::Str(s) => Some(s.clone()),
            Const::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
            Const::Int(_) => None,
            Const::List(items) => {
                let parts: Vec<String> = items.iter().filter_map(Const::text).collect();
                (!parts.is_empty()).then(|| parts.join(" "))
            }
        }
    }
}

/// What is known about one argument of a call.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Arg {
    /// The folded constant value, when there is one.
    pub value: Option<Const>,
    /// Resolved names of the calls that produce this argument, directly or through a variable
    /// (`exec(base64.b64decode(x))` gives `["base64.b64decode"]`).
    pub calls: Vec<String>,
    /// Resolved dotted names the argument reads (`os.environ`, `requests.get.text`).
    pub names: Vec<String>,
    /// The place a call opens, saves to or fetches (a file `open` opens, where
    /// `urlretrieve` saves, the URL of a request), as far as it is written, when it is built
    /// rather than constant (`~/.bashrc` from `p = os.path.expanduser("~/.bashrc");
    /// open(p, "w")`). Set on that argument only.
    pub path: Option<String>,
}

impl Arg {
    pub fn text(&self) -> Option<String> {
        self.value.as_ref().and_then(Const::text)
    }
    /// The argument as a path: its constant text, or the path it is built as.
    pub fn path_text(&self) -> Option<String> {
        self.text().or_else(|| self.path.clone())
    }
    /// Whether the argument comes from a call whose resolved name satisfies `pred`.
    pub fn from_call(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.calls.iter().any(|c| pred(c))
    }
}

/// One call, with what it really calls.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// Resolved dotted name (`subprocess.Popen`, `builtins.exec`), or the name as written
    /// when it cannot be resolved.
    pub name: String,
    pub args: Vec<Arg>,
    pub keywords: Vec<(String, Arg)>,
    pub span: Span,
    pub trigger: Trigger,
}

impl Call {
    pub fn keyword(&self, name: &str) -> Option<&Arg> {
        self.keywords
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, a)| a)
    }
    /// Every argument, positional then keyword.
    pub fn all_args(&self) -> impl Iterator<Item = &Arg> {
        self.args.iter().chain(self.keywords.iter().map(|(_, a)| a))
    }
    /// Constant text of all arguments, for shell-string and path checks.
    /// The place the call opens, saves to or fetches, as far as it is written (see
    /// [`Arg::path`]).
    pub fn place(&self) -> Option<String> {
        let (at, keyword) = crate::taint::place_argument(&self.name)?;
        self.args
            .get(at)
            .or_else(|| self.keyword(keyword))
            .and_then(Arg::path_text)
    }
    /// Whether the call opens a file (`open`, `io.open`, `Path.open`).
    pub fn opens_file(&self) -> bool {
        crate::taint::is_file_open(&self.name)
    }
    /// Whether the call downloads into a file (`urlretrieve`, `wget.download`).
    pub fn downloads_to_file(&self) -> bool {
        crate::taint::download_destination(&self.name).is_some()
    }
    /// The mode a file-opening call opens with, as written (empty when not written: a read).
    pub fn open_mode(&self) -> String {
        self.args
            .get(crate::taint::mode_position(&self.name))
            .or_else(|| self.keyword("mode"))
            .and_then(Arg::text)
            .unwrap_or_default()
    }
    pub fn texts(&self) -> impl Iterator<Item = String> + '_ {
        self.all_args().filter_map(Arg::text)
    }
}

/// A string the code holds: a literal, or one folded from pieces.
#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
    pub trigger: Trigger,
    /// Built from pieces (concatenation, `chr` lists, reversal...) rather than written whole.
    pub folded: bool,
}

impl StrLit {
    pub fn new(value: String, span: Span, trigger: Trigger, folded: bool) -> Self {
        StrLit {
            value,
            span,
            trigger,
            folded,
        }
    }
}

/// An imported module (`import a.b` gives `a.b`; `from a import b` gives `a.b`).
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub module: String,
    pub span: Span,
    pub trigger: Trigger,
}

/// A resolved attribute read that is not a call (`os.environ`, `sys.platform`).
#[derive(Clone, Debug, PartialEq)]
pub struct NameRef {
    pub name: String,
    pub span: Span,
    pub trigger: Trigger,
}

/// An operating system that code singles out by comparing what the platform is
/// (`sys.platform == "win32"`, `os.name == "nt"`, `platform.system() == "Darwin"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Windows,
    Linux,
    Macos,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Windows => "windows",
            Platform::Linux => "linux",
            Platform::Macos => "macos",
        }
    }
}

/// A comparison of the platform with a named operating system: the code branches on it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlatformCheck {
    pub platform: Platform,
    pub span: Span,
}

/// A class and its resolved bases (custom install commands subclass setuptools' ones).
#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    pub name: String,
    pub bases: Vec<String>,
    pub span: Span,
}

/// How the file was read.
#[derive(Clone, Debug, PartialEq)]
pub enum ParseStatus {
    /// The parser accepted the whole file.
    Parsed,
    /// The parser recovered from errors; facts come from the recovered tree.
    Recovered { errors: usize, first: String },
    /// The parser was not usable (Python 2, nesting too deep, too large); facts come from the
    /// token-level fallback.
    Tokens { reason: String },
    /// Not parsed: the screen found nothing in the text any rule looks at.
    Screened,
}

/// Everything one file says.
#[derive(Clone, Debug)]
pub struct FileFacts {
    pub path: String,
    pub role: FileRole,
    pub source: String,
    pub status: ParseStatus,
    pub calls: Vec<Call>,
    pub strings: Vec<StrLit>,
    pub imports: Vec<Import>,
    pub refs: Vec<NameRef>,
    pub classes: Vec<ClassDef>,
    /// Comparisons of the platform with an operating system (code that targets one).
    pub platform_checks: Vec<PlatformCheck>,
    /// Analysis stopped descending here (expression nesting past the budget).
    pub truncated: bool,
    /// Code held in strings and run (`exec("import os; ...")`), parsed in turn: its facts are
    /// among this file's, placed at the call that runs it.
    pub embedded: Vec<EmbeddedCode>,
    /// Functions naming nothing the rules look at were left out of the parse.
    pub pruned: bool,
    /// The functions the pruner blanked (byte range, and the scope around each), for
    /// [`FileFacts::read_skeleton`].
    pub pruned_blocks: Vec<(usize, usize, ScopeId)>,
    /// The skeleton of unparsed code was read.
    pub skeleton_read: bool,
    /// Why decoding strings run as code stopped early (layers too deep, bytes past the
    /// budget, a decompression bomb), when it did.
    pub decoding_stopped: Option<String>,
    /// Code scopes: [`MODULE_SCOPE`] first, then classes, functions and main guards in the
    /// order they are written.
    pub scopes: Vec<CodeScope>,
    /// Edges out of scopes that are not plain calls or imports (threads, decorators,
    /// callbacks, subprocesses of the package's own files...).
    pub edges: Vec<Edge>,
    /// Names bound by imports, for following re-exports.
    pub aliases: Vec<ImportAlias>,
    /// More scopes than the analysis keeps: the rest of the file's code sits in the last
    /// scope opened, and the program model says so.
    pub scopes_capped: bool,
    /// Sinks reached with data, as this file alone shows it.
    pub flows: Vec<crate::flow::Flow>,
    /// Functions' returns of data.
    pub returns: Vec<crate::flow::Return>,
    /// Data handed to calls of code the file cannot see into.
    pub passes: Vec<crate::flow::Pass>,
    line_starts: Vec<u32>,
}

/// A string that a file runs as code (or writes out as a script), and what it was seen to be.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbeddedCode {
    /// The call that runs it.
    pub span: Span,
    pub trigger: Trigger,
    /// Bytes of code.
    pub size: usize,
    /// How many strings deep (1: run by the file itself).
    pub depth: u32,
    /// The layer holding the call that runs it (0: the file's own text).
    pub parent: u32,
    /// The decoders its text went through, first applied first (`base64.b64decode`,
    /// `zlib.decompress`...); empty for code written as a plain string.
    pub chain: Vec<String>,
    /// Written to a file (for an interpreter to run) rather than run in place.
    pub written: bool,
    /// Its first line, for explanations.
    pub first_line: String,
    /// The decoded code itself (what `malpi deobfuscate` prints).
    pub code: String,
}

impl FileFacts {
    pub(crate) fn new(path: &str, role: FileRole, source: String) -> Self {
        let line_starts = line_starts(&source);
        FileFacts {
            path: path.to_string(),
            role,
            source,
            status: ParseStatus::Parsed,
            calls: Vec::new(),
            strings: Vec::new(),
            imports: Vec::new(),
            refs: Vec::new(),
            classes: Vec::new(),
            platform_checks: Vec::new(),
            truncated: false,
            embedded: Vec::new(),
            pruned: false,
            pruned_blocks: Vec::new(),
            skeleton_read: false,
            decoding_stopped: None,
            scopes: vec![CodeScope {
                kind: ScopeKind::Module,
                name: "<module>".into(),
                qualname: "<module>".into(),
                parent: MODULE_SCOPE,
                span: Span::default(),
                calls_parameter: false,
                params: Vec::new(),
            }],
            edges: Vec::new(),
            aliases: Vec::new(),
            scopes_capped: false,
            flows: Vec::new(),
            returns: Vec::new(),
            passes: Vec::new(),
            line_starts,
        }
    }

    /// Add the skeleton of the code that was not parsed (a screened file, pruned
    /// functions): definitions, imports and the names called, so the program model can
    /// follow chains through it. Costs a pass over that text, so it is done only when a
    /// scan needs it; doing it twice does nothing.
    pub fn read_skeleton(&mut self) {
        if std::mem::replace(&mut self.skeleton_read, true) {
            return;
        }
        if self.status == ParseStatus::Screened {
            let len = self.source.len();
            crate::skeleton::read(self, 0, len, MODULE_SCOPE);
        } else if !self.pruned_blocks.is_empty() {
            let blocks = std::mem::take(&mut self.pruned_blocks);
            crate::skeleton::read_pruned_blocks(self, &blocks);
            self.pruned_blocks = blocks;
        }
    }

    /// Span of a byte range: 1-based line, 1-based column in characters.
    pub fn span(&self, start: u32, end: u32) -> Span {
        self.span_near(start, end, &std::cell::Cell::new(0))
    }

    /// [`FileFacts::span`], looking first at the line `hint` names (and leaving the found line
    /// in it): walks ask for spans in nearly increasing order.
    pub(crate) fn span_near(&self, start: u32, end: u32, hint: &std::cell::Cell<usize>) -> Span {
        let h = hint.get();
        let on = |i: usize| {
            self.line_starts.get(i).is_some_and(|&s| s <= start)
                && self.line_starts.get(i + 1).is_none_or(|&n| n > start)
        };
        let idx = if on(h) {
            h
        } else if on(h + 1) {
            h + 1
        } else {
            match self.line_starts.binary_search(&start) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            }
        };
        hint.set(idx);
        let line_start = self.line_starts[idx] as usize;
        let start_us = (start as usize).min(self.source.len());
        let column = self
            .source
            .get(line_start..start_us)
            .map_or(start_us - line_start, |s| {
                if s.is_ascii() {
                    s.len()
                } else {
                    s.chars().count()
                }
            })
            + 1;
        Span {
            line: idx as u32 + 1,
            column: column as u32,
            start,
            end,
            layer: 0,
            scope: MODULE_SCOPE,
        }
    }

    /// Where a fact of a decoded layer came from, for explanations:
    /// `setup.py:12 → base64.b64decode → zlib.decompress → <payload>`; `None` for the file's
    /// own text.
    pub fn provenance(&self, layer: u32) -> Option<String> {
        if layer == 0 {
            return None;
        }
        let mut steps: Vec<String> = Vec::new();
        let mut current = layer;
        // Walk up to the surface; parents always come before their children.
        while current > 0 && steps.len() < 256 {
            let code = self.embedded.get(current as usize - 1)?;
            let mut step = code.chain.join(" → ");
            if !step.is_empty() {
                step.push_str(" → ");
            }
            step.push_str(if code.written {
                "<written script>"
            } else {
                "<payload>"
            });
            steps.push(step);
            if code.parent >= current {
                break;
            }
            current = code.parent;
        }
        // Every layer's facts sit at the surface call that started the chain.
        let surface = self.embedded.get(layer as usize - 1)?.span.line;
        steps.reverse();
        Some(format!("{}:{surface} → {}", self.path, steps.join(" → ")))
    }

    /// The source line of a span, trimmed and cut to a readable length.
    pub fn snippet(&self, span: Span) -> String {
        let idx = (span.line.max(1) - 1) as usize;
        let Some(&start) = self.line_starts.get(idx) else {
            return String::new();
        };
        let end = self
            .line_starts
            .get(idx + 1)
            .map_or(self.source.len(), |&e| e as usize);
        let line = self.source.get(start as usize..end).unwrap_or("").trim();
        cut(line, 200)
    }

    /// Whether a call with this exact resolved name occurs.
    pub fn calls_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Call> + 'a {
        self.calls.iter().filter(move |c| c.name == name)
    }
}

/// Cut text at a character boundary, marking the cut.
pub fn cut(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn line_starts(source: &str) -> Vec<u32> {
    let mut starts = Vec::with_capacity(source.len() / 40 + 1);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i as u32 + 1));
    starts
}

/// A fact with a place and a trigger, which code run from a string moves to the running call.
pub(crate) trait Placed {
    fn trigger(&self) -> Trigger;
    fn layer(&self) -> u32;
    fn scope(&self) -> ScopeId;
    fn place(&mut self, span: Span, trigger: Trigger);
}

macro_rules! placed {
    ($($t:ty),*) => {$(
        impl Placed for $t {
            fn trigger(&self) -> Trigger {
                self.trigger
            }
            fn layer(&self) -> u32 {
                self.span.layer
            }
            fn scope(&self) -> ScopeId {
                self.span.scope
            }
            fn place(&mut self, span: Span, trigger: Trigger) {
                self.span = span;
                self.trigger = trigger;
            }
        }
    )*};
}

placed!(Call, StrLit, Import, NameRef, crate::flow::Flow);
