//! malpi-python: turn one Python file into facts.
//!
//! `analyze` parses with ruff's error-recovering parser; files it cannot use (nesting built
//! to exhaust a recursive parser, Python 2) fall back to a token-level reader, so no file is
//! skipped silently. Nothing here executes, imports or evaluates scanned code.

mod analyzer;
mod code_in_strings;
mod decoders;
mod edges;
mod facts;
mod flow;
mod fold;
mod fold_decode;
#[doc(hidden)]
pub mod fuzzing;
mod key_params;
mod marshal;
mod platform;
mod prune;
mod resolve;
mod scope;
mod skeleton;
mod source;
mod taint;
mod tokens;
mod unmarshal;

pub use edges::start_api;
pub use facts::*;
pub use flow::{
    Atom, Destination, Flow, PackageFlow, Pass, PassedAs, Return, SinkKind, Source, Taint,
};
pub use taint::{HOLE, command_program, is_fingerprint, is_interpreter};

use analyzer::MAX_SCOPES;
pub use fold::hex_decode;
pub use source::{bracket_depth, decode};

use ruff_python_ast::PySourceType;

/// Deepest bracket nesting handed to the parser (CPython itself refuses more than 200).
const MAX_BRACKET_DEPTH: usize = 200;
/// Largest file handed to the parser; larger ones are read token by token.
const MAX_PARSE_BYTES: usize = 8 << 20;

/// Analyse one Python file. `path` is its place in the package, used in findings.
pub fn analyze(path: &str, bytes: &[u8], role: FileRole) -> FileFacts {
    let (text, _lossy) = decode(bytes);
    let mut budget = EMBEDDED_BYTES;
    analyze_text(path, text, role, 0, &mut budget, None)
}

/// Like [`analyze`], but a module in which `screen` finds nothing (it returns the sorted byte
/// offsets of what it finds: all of them when its second argument is true, else at least the
/// first) is not parsed: its facts hold its source and status
/// [`ParseStatus::Screened`]. In a large module, the functions holding no hit are left out
/// of the parse ([`FileFacts::pruned`]). Files that run at install, and small files, are
/// always parsed whole.
pub fn analyze_screened(
    path: &str,
    bytes: &[u8],
    role: FileRole,
    screen: impl Fn(&str, bool) -> Vec<u32>,
) -> FileFacts {
    let (text, _lossy) = decode(bytes);
    let screenable = matches!(role, FileRole::Module | FileRole::Auxiliary);
    let hits = if screenable && text.len() > ALWAYS_PARSED_BYTES {
        // Every hit is needed only to prune a large file; otherwise the first one decides.
        let hits = screen(&text, text.len() >= prune::MIN_PRUNED_BYTES);
        if hits.is_empty() {
            let mut facts = FileFacts::new(path, role, text);
            facts.status = ParseStatus::Screened;
            // Nothing to find here, but it may be a link between code that runs and code
            // that holds evidence: `FileFacts::read_skeleton` reads it when asked.
            return facts;
        }
        Some(hits)
    } else {
        None
    };
    let mut budget = EMBEDDED_BYTES;
    let prune_at = hits
        .as_deref()
        .filter(|_| text.len() >= prune::MIN_PRUNED_BYTES);
    analyze_text(path, text, role, 0, &mut budget, prune_at)
}

/// Files this small are always parsed: screening them would save nothing.
const ALWAYS_PARSED_BYTES: usize = 4 << 10;

/// How deep strings run as code are followed (code in a string in a string...).
const MAX_EMBEDDED_DEPTH: u32 = 32;
/// Bytes of code-in-strings parsed per file, all depths together.
const EMBEDDED_BYTES: usize = 16 << 20;

fn analyze_text(
    path: &str,
    text: String,
    role: FileRole,
    layer: u32,
    budget: &mut usize,
    prune_at: Option<&[u32]>,
) -> FileFacts {
    let text = match role {
        // Only `import` lines of a .pth file run; the rest are path entries.
        FileRole::Pth => text
            .lines()
            .map(|l| {
                if l.starts_with("import ") || l.starts_with("import\t") {
                    l
                } else {
                    ""
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => text,
    };
    let mut facts = FileFacts::new(path, role, text);

    let depth = bracket_depth(&facts.source);
    if depth > MAX_BRACKET_DEPTH || facts.source.len() > MAX_PARSE_BYTES {
        let reason = if depth > MAX_BRACKET_DEPTH {
            format!("brackets nested {depth} deep (limit {MAX_BRACKET_DEPTH})")
        } else {
            format!(
                "{} bytes (parser limit {MAX_PARSE_BYTES})",
                facts.source.len()
            )
        };
        return tokens::analyze(facts, reason);
    }

    let parse = |text: &str| ruff_python_parser::parse_unchecked_source(text, PySourceType::Python);
    let pruned = prune_at.and_then(|hits| prune::prune_blocks(&facts.source, hits));
    let mut parsed = parse(pruned.as_ref().map_or(&facts.source, |(text, _)| text));
    let mut blanked = Vec::new();
    if pruned.is_some() && !parsed.errors().is_empty() {
        // The pruner misread the file (or it was broken already): parse it whole.
        parsed = parse(&facts.source);
    } else if let Some((_, blocks)) = pruned {
        facts.pruned = true;
        blanked = blocks;
    }
    let errors = parsed.errors().len();
    let first = parsed.errors().first().map(|e| {
        format!(
            "line {}: {}",
            facts.span(e.location.start().to_u32(), 0).line,
            e.error
        )
    });
    let module = parsed.into_syntax();
    let status = match (errors, first) {
        (0, _) | (_, None) => ParseStatus::Parsed,
        (n, Some(first)) => ParseStatus::Recovered { errors: n, first },
    };
    let broken = errors > 0;
    let (mut facts, code_in_strings) = analyzer::Analyzer::new(facts).run(&module.body);
    facts.status = status;
    if !blanked.is_empty() {
        // A pruned function sits in the innermost parsed scope around it. Parsed scopes are
        // in the order they start, so the last one starting before the block, or one of its
        // parents, holds it.
        let scopes = &facts.scopes;
        let holder = |start: usize| {
            let mut i = scopes.partition_point(|s| (s.span.start as usize) <= start);
            while i > 1 {
                let s = &scopes[i - 1];
                if start < s.span.end as usize {
                    return (i - 1) as ScopeId;
                }
                i = s.parent as usize + 1;
                if s.parent == MODULE_SCOPE {
                    break;
                }
            }
            MODULE_SCOPE
        };
        let blocks: Vec<(usize, usize, ScopeId)> =
            blanked.iter().map(|&(s, e)| (s, e, holder(s))).collect();
        facts.pruned_blocks = blocks;
    }
    if facts.truncated {
        // The tree is deeper than the walk goes; dropping it recursively could overflow the
        // stack, so leak it (bounded by MAX_PARSE_BYTES, and only for hostile files).
        std::mem::forget(module);
    }
    if broken {
        // A file the parser choked on (often Python 2) may hide code the recovered tree lost:
        // add what the token reader sees.
        tokens::merge(&mut facts);
    }
    for pending in code_in_strings {
        let code = pending.code;
        if layer >= MAX_EMBEDDED_DEPTH {
            facts.decoding_stopped = Some(format!(
                "code in strings nested more than {MAX_EMBEDDED_DEPTH} layers deep"
            ));
            break;
        }
        if code.len() > *budget {
            facts.decoding_stopped = Some(format!(
                "more than {EMBEDDED_BYTES} bytes of code decoded from strings"
            ));
            break;
        }
        *budget -= code.len();
        let call = &facts.calls[pending.call];
        let (span, trigger) = (call.span, call.trigger);
        let written = call.name.contains(".write");
        let first_line = cut(code.trim_start().lines().next().unwrap_or(""), 120);
        let size = code.len();
        let mut inner = analyze_text(&facts.path.clone(), code, role, layer + 1, budget, None);
        if written && inner.status != ParseStatus::Parsed {
            // Written text that is not clean Python (a shell script, a config): not code.
            continue;
        }
        facts.embedded.push(EmbeddedCode {
            span,
            trigger,
            size,
            depth: layer + 1,
            parent: span.layer,
            chain: pending.chain,
            written,
            first_line,
            code: std::mem::take(&mut inner.source),
        });
        if facts.decoding_stopped.is_none() {
            facts.decoding_stopped = inner.decoding_stopped.clone();
        }
        merge_embedded(&mut facts, inner, span, trigger);
    }
    facts
}

/// Add the facts of code run from a string to the file that runs it, at the running call:
/// what runs at its top level runs when that call does. `facts.embedded` already ends with
/// the entry of this code; the inner file's own layers are numbered after it.
fn merge_embedded(facts: &mut FileFacts, inner: FileFacts, span: Span, trigger: Trigger) {
    let this = facts.embedded.len() as u32;
    let layer_of = move |inner_layer: u32| {
        if inner_layer == 0 {
            this
        } else {
            this + inner_layer
        }
    };
    // The payload's module body is the running call's scope; its functions and classes
    // become scopes of this file, so the program model follows calls inside the payload.
    let first = facts.scopes.len() as ScopeId;
    let room = MAX_SCOPES.saturating_sub(facts.scopes.len()) as ScopeId;
    let scope_of = move |inner_scope: ScopeId| {
        if inner_scope == MODULE_SCOPE || inner_scope > room {
            span.scope
        } else {
            first + inner_scope - 1
        }
    };
    for s in inner.scopes.into_iter().skip(1).take(room as usize) {
        facts.scopes.push(CodeScope {
            parent: scope_of(s.parent),
            span: Span {
                layer: layer_of(s.span.layer),
                scope: scope_of(s.parent),
                ..span
            },
            ..s
        });
    }
    let at = move |inner_span: Span| Span {
        layer: layer_of(inner_span.layer),
        scope: scope_of(inner_span.scope),
        ..span
    };
    fn moved<T: Placed>(
        items: Vec<T>,
        trigger: Trigger,
        at: impl Fn(Span) -> Span,
    ) -> impl Iterator<Item = T> {
        items.into_iter().map(move |mut item| {
            let t = if item.trigger() == Trigger::Runtime {
                Trigger::Runtime
            } else {
                trigger
            };
            let placed = at(Span {
                layer: item.layer(),
                scope: item.scope(),
                ..Span::default()
            });
            item.place(placed, t);
            item
        })
    }
    facts.calls.extend(moved(inner.calls, trigger, at));
    facts
        .strings
        .extend(moved(inner.strings, trigger, at).map(|mut s| {
            s.folded = true;
            s
        }));
    facts.imports.extend(moved(inner.imports, trigger, at));
    facts.flows.extend(moved(inner.flows, trigger, at));
    facts
        .returns
        .extend(inner.returns.into_iter().map(|r| crate::flow::Return {
            span: at(r.span),
            ..r
        }));
    facts
        .passes
        .extend(inner.passes.into_iter().map(|p| crate::flow::Pass {
            span: at(p.span),
            ..p
        }));
    facts.refs.extend(moved(inner.refs, trigger, at));
    facts.edges.extend(inner.edges.into_iter().map(|e| Edge {
        span: at(e.span),
        ..e
    }));
    facts.aliases.extend(inner.aliases);
    facts.platform_checks.extend(
        inner
            .platform_checks
            .into_iter()
            .map(|check| PlatformCheck {
                span: at(check.span),
                ..check
            }),
    );
    facts
        .embedded
        .extend(inner.embedded.into_iter().map(|mut e| {
            e.parent = layer_of(e.parent);
            e.span = Span {
                layer: e.parent,
                scope: scope_of(e.span.scope),
                ..span
            };
            e.trigger = if e.trigger == Trigger::Runtime {
                Trigger::Runtime
            } else {
                trigger
            };
            e
        }));
}

#[cfg(test)]
mod tests;
