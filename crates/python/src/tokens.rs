//! The token-level fallback: for files the parser cannot use (Python 2, nesting built to
//! exhaust a recursive parser, broken syntax), read strings, imports and calls straight from
//! the token stream. Less precise than the tree, never silent.

use crate::facts::{Arg, Call, Const, FileFacts, FileRole, Import, ParseStatus, StrLit, Trigger};
use crate::scope::{Scope, normalise};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Str(String),
    Op(u8),
    Newline,
}

struct Token {
    tok: Tok,
    start: u32,
    end: u32,
    /// Indentation of the logical line the token is on.
    indent: u32,
}

/// Facts from tokens alone.
pub fn analyze(mut facts: FileFacts, reason: String) -> FileFacts {
    facts.status = ParseStatus::Tokens { reason };
    let (calls, strings, imports) = read(&facts);
    facts.calls = calls;
    facts.strings = strings;
    facts.imports = imports;
    facts
}

/// Add what the token reader sees to facts from a recovered tree, where the tree has nothing
/// on that line (code the parser lost after an error).
pub fn merge(facts: &mut FileFacts) {
    let (calls, strings, imports) = read(facts);
    let call_lines: std::collections::HashSet<u32> =
        facts.calls.iter().map(|c| c.span.line).collect();
    let string_lines: std::collections::HashSet<u32> =
        facts.strings.iter().map(|s| s.span.line).collect();
    let import_lines: std::collections::HashSet<u32> =
        facts.imports.iter().map(|s| s.span.line).collect();
    facts.calls.extend(
        calls
            .into_iter()
            .filter(|c| !call_lines.contains(&c.span.line)),
    );
    facts.strings.extend(
        strings
            .into_iter()
            .filter(|s| !string_lines.contains(&s.span.line)),
    );
    facts.imports.extend(
        imports
            .into_iter()
            .filter(|s| !import_lines.contains(&s.span.line)),
    );
}

const MAX_TOKENS: usize = 2_000_000;

fn read(facts: &FileFacts) -> (Vec<Call>, Vec<StrLit>, Vec<Import>) {
    let tokens = lex(&facts.source);
    let mut scope = Scope::default();
    let mut calls = Vec::new();
    let mut strings = Vec::new();
    let mut imports = Vec::new();
    // Indentation of the `def` we are inside, if any.
    let mut def_indent: Option<u32> = None;
    let mut line_start = true;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if line_start {
            if let Some(d) = def_indent {
                if t.indent <= d && t.tok != Tok::Newline {
                    def_indent = None;
                }
            }
        }
        let trigger = match facts.role {
            FileRole::SetupPy | FileRole::Pth => Trigger::Install,
            FileRole::Module if def_indent.is_some() => Trigger::Runtime,
            FileRole::Module => Trigger::Import,
            FileRole::Auxiliary => Trigger::Runtime,
        };
        let at_line_start = line_start;
        line_start = t.tok == Tok::Newline;
        match &t.tok {
            Tok::Str(s) => {
                if s.chars().count() >= 4 {
                    let span = facts.span(t.start, t.end);
                    strings.push(StrLit::new(s.clone(), span, trigger, false));
                }
            }
            Tok::Name(n) if at_line_start && n == "def" => {
                if def_indent.is_none() {
                    def_indent = Some(t.indent);
                }
            }
            Tok::Name(n) if at_line_start && (n == "import" || n == "from") => {
                i = read_import(&tokens, i, facts, &mut scope, &mut imports, trigger);
                continue;
            }
            Tok::Name(_) => {
                // A dotted name followed by "(" is a call; Python 2 `exec "code"` is one too.
                let (parts, next) = dotted(&tokens, i);
                let is_exec_stmt = parts.len() == 1
                    && parts[0] == "exec"
                    && matches!(
                        tokens.get(next).map(|t| &t.tok),
                        Some(Tok::Str(_) | Tok::Name(_))
                    );
                if matches!(tokens.get(next).map(|t| &t.tok), Some(Tok::Op(b'('))) || is_exec_stmt {
                    let name = resolve(&scope, &parts);
                    let args = read_args(&tokens, next + usize::from(!is_exec_stmt), &scope);
                    let span = facts.span(t.start, tokens[next.min(tokens.len() - 1)].end);
                    calls.push(Call {
                        name,
                        args,
                        keywords: Vec::new(),
                        span,
                        trigger,
                    });
                }
                i = next;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    (calls, strings, imports)
}

fn dotted(tokens: &[Token], mut i: usize) -> (Vec<String>, usize) {
    let mut parts = Vec::new();
    while let Some(Tok::Name(n)) = tokens.get(i).map(|t| &t.tok) {
        parts.push(n.clone());
        i += 1;
        if matches!(tokens.get(i).map(|t| &t.tok), Some(Tok::Op(b'.'))) && parts.len() < 16 {
            i += 1;
        } else {
            break;
        }
    }
    (parts, i)
}

fn resolve(scope: &Scope, parts: &[String]) -> String {
    let head = scope.qualify(&parts[0]).unwrap_or_else(|| parts[0].clone());
    let mut name = head;
    for p in &parts[1..] {
        name.push('.');
        name.push_str(p);
    }
    normalise(&name)
}

/// The first argument's constant strings (adjacent literals concatenate) and the calls
/// inside the parentheses.
fn read_args(tokens: &[Token], start: usize, scope: &Scope) -> Vec<Arg> {
    let mut arg = Arg::default();
    let mut text = String::new();
    let mut depth = 0i32;
    let mut i = start;
    let mut first_arg = true;
    while let Some(t) = tokens.get(i) {
        match &t.tok {
            Tok::Op(b'(' | b'[' | b'{') => depth += 1,
            Tok::Op(b')' | b']' | b'}') => {
                depth -= 1;
                if depth < 0 {
                    break;
                }
            }
            Tok::Op(b',') if depth == 0 => first_arg = false,
            Tok::Newline if depth <= 0 => break,
            Tok::Str(s) if first_arg => text.push_str(s),
            Tok::Name(_) => {
                let (parts, next) = dotted(tokens, i);
                if matches!(tokens.get(next).map(|t| &t.tok), Some(Tok::Op(b'(')))
                    && arg.calls.len() < 32
                {
                    arg.calls.push(resolve(scope, &parts));
                }
                i = next;
                continue;
            }
            _ => {}
        }
        i += 1;
        if i - start > 10_000 {
            break;
        }
    }
    if !text.is_empty() {
        arg.value = Some(Const::Str(text));
    }
    vec![arg]
}

fn read_import(
    tokens: &[Token],
    start: usize,
    facts: &FileFacts,
    scope: &mut Scope,
    imports: &mut Vec<Import>,
    trigger: Trigger,
) -> usize {
    let is_from = matches!(&tokens[start].tok, Tok::Name(n) if n == "from");
    let mut i = start + 1;
    let mut base = String::new();
    if is_from {
        while let Some(t) = tokens.get(i) {
            match &t.tok {
                Tok::Op(b'.') => base.push('.'),
                Tok::Name(n) if n == "import" => break,
                Tok::Name(n) => base.push_str(n),
                _ => break,
            }
            i += 1;
        }
        i += 1;
    }
    loop {
        let (parts, next) = dotted(tokens, i);
        if parts.is_empty() {
            // "*", "(" and the like: skip to the end of the line.
            while let Some(t) = tokens.get(i) {
                if t.tok == Tok::Newline {
                    break;
                }
                i += 1;
            }
            return i;
        }
        i = next;
        let module = parts.join(".");
        let qualified = if is_from {
            format!("{base}.{module}")
        } else {
            module.clone()
        };
        let mut local = if is_from {
            module.clone()
        } else {
            parts[0].clone()
        };
        let mut bound = if is_from {
            qualified.clone()
        } else {
            parts[0].clone()
        };
        if let Some(Tok::Name(n)) = tokens.get(i).map(|t| &t.tok) {
            if n == "as" {
                if let Some(Tok::Name(alias)) = tokens.get(i + 1).map(|t| &t.tok) {
                    local = alias.clone();
                    bound = qualified.clone();
                    i += 2;
                }
            }
        }
        scope.bind_module(&local, &bound);
        let span = facts.span(tokens[start].start, tokens[i.min(tokens.len() - 1)].end);
        imports.push(Import {
            module: qualified,
            span,
            trigger,
        });
        match tokens.get(i).map(|t| &t.tok) {
            Some(Tok::Op(b',')) => i += 1,
            _ => return i,
        }
    }
}

fn lex(src: &str) -> Vec<Token> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut indent = 0u32;
    let mut at_line_start = true;
    let mut depth = 0i32;
    while i < b.len() && out.len() < MAX_TOKENS {
        let c = b[i];
        if at_line_start {
            let mut w = 0;
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                w += 1;
                i += 1;
            }
            indent = w;
            at_line_start = false;
            continue;
        }
        match c {
            b'\n' => {
                if depth <= 0 {
                    out.push(Token {
                        tok: Tok::Newline,
                        start: i as u32,
                        end: i as u32 + 1,
                        indent,
                    });
                    at_line_start = true;
                }
                i += 1;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b' ' | b'\t' | b'\r' | b'\x0c' => i += 1,
            b'"' | b'\'' => {
                let (value, end) = lex_string(b, i, false);
                out.push(Token {
                    tok: Tok::Str(value),
                    start: i as u32,
                    end: end as u32,
                    indent,
                });
                i = end;
            }
            b'`' => i += 1,
            _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric() || b[i] >= 0x80)
                {
                    i += 1;
                }
                let word = &src[start..i];
                // String prefixes: r"", b"", u"", f"", rb"" ...
                if word.len() <= 2
                    && word.chars().all(|c| "rRbBuUfF".contains(c))
                    && matches!(b.get(i), Some(b'"' | b'\''))
                {
                    let raw = word.contains(['r', 'R']);
                    let (value, end) = lex_string(b, i, raw);
                    out.push(Token {
                        tok: Tok::Str(value),
                        start: start as u32,
                        end: end as u32,
                        indent,
                    });
                    i = end;
                } else {
                    out.push(Token {
                        tok: Tok::Name(word.to_string()),
                        start: start as u32,
                        end: i as u32,
                        indent,
                    });
                }
            }
            b'0'..=b'9' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_')
                {
                    i += 1;
                }
            }
            _ => {
                match c {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth -= 1,
                    _ => {}
                }
                out.push(Token {
                    tok: Tok::Op(c),
                    start: i as u32,
                    end: i as u32 + 1,
                    indent,
                });
                i += 1;
            }
        }
    }
    out
}

/// Read a string literal starting at its opening quote; returns its value and end offset.
fn lex_string(b: &[u8], start: usize, raw: bool) -> (String, usize) {
    let q = b[start];
    let triple = b.get(start + 1) == Some(&q) && b.get(start + 2) == Some(&q);
    let mut i = start + if triple { 3 } else { 1 };
    let mut out: Vec<u8> = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && i + 1 < b.len() {
            if raw {
                out.extend_from_slice(&b[i..i + 2]);
                i += 2;
                continue;
            }
            i += 1;
            let e = b[i];
            i += 1;
            match e {
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'r' => out.push(b'\r'),
                b'0'..=b'7' => {
                    let mut v = (e - b'0') as u32;
                    for _ in 0..2 {
                        match b.get(i) {
                            Some(d @ b'0'..=b'7') => {
                                v = v * 8 + (d - b'0') as u32;
                                i += 1;
                            }
                            _ => break,
                        }
                    }
                    push_char(&mut out, v);
                }
                b'x' => {
                    let hex = b.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                    match hex.and_then(|h| u32::from_str_radix(h, 16).ok()) {
                        Some(v) => {
                            push_char(&mut out, v);
                            i += 2;
                        }
                        None => out.extend_from_slice(b"\\x"),
                    }
                }
                b'u' | b'U' => {
                    let n = if e == b'u' { 4 } else { 8 };
                    let hex = b.get(i..i + n).and_then(|h| std::str::from_utf8(h).ok());
                    match hex.and_then(|h| u32::from_str_radix(h, 16).ok()) {
                        Some(v) => {
                            push_char(&mut out, v);
                            i += n;
                        }
                        None => out.push(e),
                    }
                }
                b'\n' => {}
                other => {
                    if !matches!(other, b'\\' | b'\'' | b'"') {
                        out.push(b'\\');
                    }
                    out.push(other);
                }
            }
            continue;
        }
        if c == q {
            if !triple {
                return (String::from_utf8_lossy(&out).into_owned(), i + 1);
            }
            if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
                return (String::from_utf8_lossy(&out).into_owned(), i + 3);
            }
        }
        if c == b'\n' && !triple {
            return (String::from_utf8_lossy(&out).into_owned(), i);
        }
        out.push(c);
        i += 1;
    }
    (String::from_utf8_lossy(&out).into_owned(), b.len())
}

fn push_char(out: &mut Vec<u8>, v: u32) {
    let ch = char::from_u32(v).unwrap_or('\u{fffd}');
    let mut buf = [0u8; 4];
    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
}
