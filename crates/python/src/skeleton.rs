//! The skeleton of code that is not parsed: the functions of a large module that the pruner
//! blanked (they name nothing any rule looks at) and whole files the screen let through
//! unparsed. Such code holds no evidence, but it can still be a link in a chain (an
//! `__init__` that imports `.core` and calls `start()`, a helper that calls the function
//! holding the payload), so a cheap line pass keeps its definitions, imports and the names
//! it calls. Names stay as written; the program model resolves them through the file's
//! imports. Strings and comments are skipped roughly: a wrong guess only adds an edge that
//! leads nowhere.

use crate::analyzer::MAX_SCOPES;
use crate::facts::{
    CodeScope, Edge, EdgeKind, FileFacts, Import, ImportAlias, ScopeId, ScopeKind, Span, Trigger,
};

/// Calls kept per file from skeleton code.
const MAX_SKELETON_EDGES: usize = 100_000;

/// Words that look like calls (`if (`, `return (`) but are not.
const KEYWORDS: &[&str] = &[
    "if", "elif", "while", "for", "return", "yield", "and", "or", "not", "in", "is", "assert",
    "del", "print", "lambda", "await", "with", "except", "raise", "def", "class", "import", "from",
    "as", "else", "async", "global", "nonlocal", "pass", "case", "match",
];

/// What the line pass found, added to the file at the end (spans need the file's text).
#[derive(Default)]
struct Found {
    scopes: Vec<CodeScope>,
    /// More scopes than a file keeps.
    capped: bool,
    imports: Vec<Import>,
    aliases: Vec<ImportAlias>,
}

/// A call seen in unparsed code: where it is written, the name as written, its scope.
type SeenCall<'a> = (usize, &'a str, ScopeId);

/// Read the lines of `facts.source[start..end]` as code nested in `parent`.
pub(crate) fn read(facts: &mut FileFacts, start: usize, end: usize, parent: ScopeId) {
    let mut found = Found::default();
    let edges = {
        let mut calls = Vec::new();
        let end = end.min(facts.source.len());
        read_lines(facts, &mut found, &mut calls, start, end, parent);
        known_calls(facts, &found, calls)
    };
    add(facts, found, edges);
}

/// Read the pruned functions `(start, end, parent)` of the file in one pass.
pub(crate) fn read_pruned_blocks(facts: &mut FileFacts, blocks: &[(usize, usize, ScopeId)]) {
    let mut found = Found::default();
    let edges = {
        let mut calls = Vec::new();
        let source = facts.source.as_str();
        for &(start, end, parent) in blocks {
            let end = end.min(source.len());
            if start < end && source.is_char_boundary(start) && source.is_char_boundary(end) {
                read_pruned(facts, &mut found, &mut calls, start, end, parent);
            }
        }
        known_calls(facts, &found, calls)
    };
    add(facts, found, edges);
}

/// The name of the first `def` of a pruned block.
fn pruned_name(source: &str, start: usize, end: usize) -> Option<&str> {
    let def = memchr::memmem::find(&source.as_bytes()[start..end], b"def ")? + start;
    let rest = &source[def + 4..end];
    let name = &rest[..rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len())];
    (!name.is_empty()).then_some(name)
}

fn add(facts: &mut FileFacts, mut found: Found, mut edges: Vec<Edge>) {
    facts.scopes_capped |= found.capped;
    facts.scopes.append(&mut found.scopes);
    facts.edges.append(&mut edges);
    facts.imports.append(&mut found.imports);
    facts.aliases.append(&mut found.aliases);
}

/// The calls whose first name the file defines or imports (or a method's `self`): only
/// these can lead into the package, and only these are kept as edges.
fn known_calls(facts: &FileFacts, found: &Found, calls: Vec<SeenCall<'_>>) -> Vec<Edge> {
    let scopes = facts.scopes.iter().chain(&found.scopes);
    let aliases = facts.aliases.iter().chain(&found.aliases);
    let known: rustc_hash::FxHashSet<&str> = ["self", "cls"]
        .into_iter()
        .chain(scopes.map(|s| s.name.as_str()))
        .chain(aliases.map(|a| a.local.as_str()))
        .collect();
    calls
        .into_iter()
        .filter(|(_, name, _)| known.contains(name.split('.').next().unwrap_or(name)))
        .map(|(at, target, scope)| Edge {
            kind: EdgeKind::Call,
            target: target.to_string(),
            span: placed(facts, at, scope),
        })
        .collect()
}

/// What starts at a place in the text, in the order of the text.
enum Event<'a> {
    Definition(ScopeKind, &'a str),
    Import,
    Decorator(&'a str),
    Call(&'a str),
}

/// Definitions, imports, decorators and calls of `source[start..end]`, found by searching
/// for their marks (`def `, `class `, `import `, `@`, `(`) rather than walking every byte:
/// each comes with the offset and indentation of where it is written.
fn events(source: &str, start: usize, end: usize) -> Vec<(usize, usize, Event<'_>)> {
    let bytes = source.as_bytes();
    let text = &bytes[start..end];
    let mut out = Vec::new();
    // The line a place is on: its start and indentation, and whether the place is code
    // written first on the line (not after other text).
    let line_of = |at: usize| {
        let begin = line_start(bytes, start, at);
        let indent = bytes[begin..at]
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        (begin, indent, begin + indent == at)
    };
    let name_after = |at: usize| {
        let rest = &source[at..end];
        let n = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        &rest[..n]
    };
    for (mark, kind) in [
        (&b"def "[..], Some(ScopeKind::Function)),
        (b"class ", Some(ScopeKind::Class)),
        (b"import ", None),
        (b"from ", None),
    ] {
        for i in memchr::memmem::find_iter(text, mark) {
            let at = start + i;
            let (_, indent, first) = line_of(at);
            // `async def` starts its line with `async`.
            let first = first
                || (kind.is_some()
                    && at >= 6
                    && &bytes[at - 6..at] == b"async "
                    && line_of(at - 6).2);
            if !first {
                continue;
            }
            let event = match kind {
                Some(k) => {
                    let name = name_after(at + mark.len());
                    if name.is_empty() || name.contains('.') {
                        continue;
                    }
                    Event::Definition(k, name)
                }
                None => Event::Import,
            };
            out.push((at, indent, event));
        }
    }
    // `if __name__ == "__main__":` runs only when the file is run as a program.
    for i in memchr::memmem::find_iter(text, b"if __name__") {
        let at = start + i;
        let (_, indent, first) = line_of(at);
        let rest = &source[at..end];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        if first && line.contains("__main__") {
            out.push((
                at,
                indent,
                Event::Definition(ScopeKind::MainGuard, "<main>"),
            ));
        }
    }
    for i in memchr::memchr_iter(b'@', text) {
        let at = start + i;
        let (_, indent, first) = line_of(at);
        let name = name_after(at + 1);
        if first && !name.is_empty() {
            out.push((at, indent, Event::Decorator(name)));
        }
    }
    for (begin, name) in calls_in(source, start, end) {
        let (_, indent, _) = line_of(begin);
        out.push((begin, indent, Event::Call(name)));
    }
    out.sort_by_key(|(at, _, _)| *at);
    out
}

/// The calls written in `source[start..end]`: a dotted name before each `(` (not after a
/// `#` on its line, not a keyword, not a definition's own name), with where it starts.
fn calls_in(source: &str, start: usize, end: usize) -> Vec<(usize, &str)> {
    let bytes = source.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    let mut out = Vec::new();
    for i in memchr::memchr_iter(b'(', &bytes[start..end]) {
        let paren = start + i;
        let mut stop = paren;
        while stop > start && bytes[stop - 1] == b' ' {
            stop -= 1;
        }
        let mut begin = stop;
        while begin > start && is_name(bytes[begin - 1]) {
            begin -= 1;
        }
        let name = source[begin..stop].trim_matches('.');
        let starts_well = name
            .as_bytes()
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
        if !starts_well || KEYWORDS.contains(&name) {
            continue;
        }
        let line = line_start(bytes, start, begin);
        let before = &bytes[line..begin];
        if memchr::memchr(b'#', before).is_some()
            || before.ends_with(b"def ")
            || before.ends_with(b"class ")
        {
            continue;
        }
        out.push((begin, name));
        if out.len() >= MAX_SKELETON_EDGES {
            break;
        }
    }
    out
}

/// A pruned function: one scope named after its first `def`, holding every call of the
/// block (nested definitions are merged into it: cheaper, and they run only through it).
fn read_pruned<'a>(
    facts: &'a FileFacts,
    found: &mut Found,
    calls_seen: &mut Vec<SeenCall<'a>>,
    start: usize,
    end: usize,
    parent: ScopeId,
) {
    let source = facts.source.as_str();
    let Some(name) = pruned_name(source, start, end) else {
        return;
    };
    // `name` is a slice of the source just after its `def `.
    let def = name.as_ptr() as usize - source.as_ptr() as usize - 4;
    let Some(scope) = push_scope(facts, found, ScopeKind::Function, name, parent, def, end) else {
        return;
    };
    // One edge per name is enough to follow a chain.
    let mut seen: rustc_hash::FxHashSet<(ScopeId, &str)> = rustc_hash::FxHashSet::default();
    for (at, call) in calls_in(source, start, end) {
        // Decorators (before the `def`) run where the function is defined.
        let here = if at < def { parent } else { scope };
        // A pruned method's calls of its own methods are left out: they are most of a large
        // module's calls, and a chain through them would need a second hit-free method.
        let method = call.starts_with("self.") || call.starts_with("cls.");
        if !method && calls_seen.len() < MAX_SKELETON_EDGES && seen.insert((here, call)) {
            calls_seen.push((at, call, here));
        }
    }
    // `@deco` without arguments is no call: it is applied where the function is defined.
    for i in memchr::memchr_iter(b'@', &source.as_bytes()[start..def]) {
        let at = start + i + 1;
        let deco = &source[at..def];
        let n = deco
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(deco.len());
        if n > 0 && calls_seen.len() < MAX_SKELETON_EDGES {
            calls_seen.push((at, &deco[..n], parent));
        }
    }
}

fn read_lines<'a>(
    facts: &'a FileFacts,
    found: &mut Found,
    calls_seen: &mut Vec<SeenCall<'a>>,
    start: usize,
    end: usize,
    parent: ScopeId,
) {
    let source = facts.source.as_str();
    if start >= end || !source.is_char_boundary(start) || !source.is_char_boundary(end) {
        return;
    }
    // (indentation, scope) of the definitions open at the current place.
    let mut open: Vec<(usize, ScopeId)> = Vec::new();
    // One edge per name and scope is enough to follow a chain.
    let mut seen: rustc_hash::FxHashSet<(ScopeId, &str)> = rustc_hash::FxHashSet::default();
    for (at, indent, event) in events(source, start, end) {
        while open.last().is_some_and(|&(i, _)| i >= indent) {
            open.pop();
        }
        let here = open.last().map_or(parent, |&(_, s)| s);
        match event {
            Event::Definition(kind, name) => {
                if let Some(id) = push_scope(facts, found, kind, name, here, at, end) {
                    open.push((indent, id));
                }
            }
            Event::Import => {
                let line_end =
                    memchr::memchr(b'\n', &source.as_bytes()[at..end]).map_or(end, |i| at + i);
                let code = source[at..line_end].trim_end();
                imports(facts, found, code, at, here, open.is_empty());
            }
            // A decorator runs where the definition after it is; a call where it is written.
            Event::Decorator(name) | Event::Call(name) => {
                if calls_seen.len() < MAX_SKELETON_EDGES && seen.insert((here, name)) {
                    calls_seen.push((at, name, here));
                }
            }
        }
    }
}

/// How far back the start of a line is looked for: code lines are short, and a crafted
/// megabyte-long line must not make every bracket on it cost a pass over it.
const MAX_LINE_LOOKBACK: usize = 512;

/// The start of the line `at` is on, or a bounded distance before `at` on a longer line
/// (which then reads as unindented code).
fn line_start(bytes: &[u8], start: usize, at: usize) -> usize {
    let from = at.saturating_sub(MAX_LINE_LOOKBACK).max(start);
    memchr::memrchr(b'\n', &bytes[from..at]).map_or(from, |i| from + i + 1)
}

fn push_scope(
    facts: &FileFacts,
    found: &mut Found,
    kind: ScopeKind,
    name: &str,
    parent: ScopeId,
    at: usize,
    end: usize,
) -> Option<ScopeId> {
    let first = facts.scopes.len();
    if first + found.scopes.len() >= MAX_SCOPES {
        found.capped = true;
        return None;
    }
    let parent_scope = if (parent as usize) < first {
        &facts.scopes[parent as usize]
    } else {
        &found.scopes[parent as usize - first]
    };
    let qualname = if parent_scope.kind == ScopeKind::Module {
        name.to_string()
    } else {
        format!("{}.{name}", parent_scope.qualname)
    };
    let mut span = facts.span(at as u32, end as u32);
    span.scope = parent;
    let id = (first + found.scopes.len()) as ScopeId;
    found.scopes.push(CodeScope {
        kind,
        name: name.to_string(),
        qualname,
        parent,
        span,
        calls_parameter: false,
        params: Vec::new(),
    });
    Some(id)
}

fn placed(facts: &FileFacts, at: usize, scope: ScopeId) -> Span {
    let mut span = facts.span(at as u32, at as u32);
    span.scope = scope;
    span
}

/// `import a.b as c`, `from .x import y as z`: the file's aliases (at its top level) and
/// the modules imported, which the program model follows.
fn imports(facts: &FileFacts, found: &mut Found, code: &str, at: usize, scope: ScopeId, top: bool) {
    let code = code.split('#').next().unwrap_or(code);
    let clean = |s: &str| s.trim().trim_matches(['(', ')', ' ', '\\']).to_string();
    let mut bound: Vec<(String, String)> = Vec::new();
    if let Some(rest) = code.strip_prefix("import ") {
        for part in rest.split(',') {
            let (module, local) = match part.split_once(" as ") {
                Some((m, l)) => (clean(m), clean(l)),
                None => (clean(part), clean(part)),
            };
            bound.push((local, module));
        }
    } else if let Some((base, names)) = code
        .strip_prefix("from ")
        .and_then(|r| r.split_once(" import "))
    {
        let base = base.trim();
        for part in names.split(',') {
            let (name, local) = match part.split_once(" as ") {
                Some((n, l)) => (clean(n), clean(l)),
                None => (clean(part), clean(part)),
            };
            if name.is_empty() {
                continue;
            }
            let target = if base.ends_with('.') {
                format!("{base}{name}")
            } else {
                format!("{base}.{name}")
            };
            if name == "*" {
                bound.push(("*".into(), base.to_string()));
            } else {
                bound.push((local, target));
            }
        }
    }
    let span = placed(facts, at, scope);
    for (local, target) in bound.into_iter().take(64) {
        if target.is_empty() || local.is_empty() {
            continue;
        }
        if top && facts.aliases.len() + found.aliases.len() < 10_000 {
            found.aliases.push(ImportAlias {
                local: local.clone(),
                target: target.clone(),
            });
        }
        found.imports.push(Import {
            module: target,
            span,
            trigger: Trigger::Import,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crafted file of one long line of brackets costs a bounded amount per bracket.
    #[test]
    fn a_long_line_of_brackets_is_read_in_linear_time() {
        let line = "a(".repeat(128 << 10);
        let start = std::time::Instant::now();
        let found = events(&line, 0, line.len());
        assert!(found.len() <= MAX_SKELETON_EDGES + 1);
        // Quadratic scanning would take minutes here; bounded look-back takes milliseconds.
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn definitions_calls_and_imports_in_the_order_written() {
        let src = "from .core import run\n\nclass C:\n    def m(self):\n        self.go()  # later()\n\n@deco\nasync def f(x):\n    run(x)\n";
        let src = &format!("{src}if __name__ == '__main__':\n    run(1)\n");
        let kinds: Vec<String> = events(src, 0, src.len())
            .into_iter()
            .map(|(_, indent, e)| match e {
                Event::Definition(_, n) => format!("def {n}@{indent}"),
                Event::Import => "import".into(),
                Event::Decorator(n) => format!("@{n}"),
                Event::Call(n) => format!("{n}()@{indent}"),
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "import",
                "def C@0",
                "def m@4",
                "self.go()@8",
                "@deco",
                "def f@0",
                "run()@4",
                "def <main>@0",
                "run()@4"
            ]
        );
    }
}
