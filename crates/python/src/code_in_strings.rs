//! Code held in strings: a string the file runs (`exec`, `eval`, `compile`) or writes out
//! for an interpreter, noted while the walk records the call, with the transformations its
//! text went through (the layer's chain). `lib.rs` parses each in turn.

use ruff_python_ast::{self as ast, Expr};

use crate::analyzer::Analyzer;
use crate::facts::{Arg, Const};

/// Strings run as code that one file may have parsed in turn.
const MAX_CODE_IN_STRINGS: usize = 32;

/// A string found to be run as code (or written out as a script), waiting to be parsed.
pub struct PendingCode {
    pub code: String,
    /// Index of the call that runs (or writes) it in `FileFacts::calls`.
    pub call: usize,
    /// The decoders the argument went through, first applied first.
    pub chain: Vec<String>,
}

impl Analyzer {
    /// Note the constant text a call runs as code (or writes out as a script).
    pub(crate) fn note_code_in_strings(&mut self, name: &str, call: &ast::ExprCall, args: &[Arg]) {
        if self.code_in_strings.len() >= MAX_CODE_IN_STRINGS {
            return;
        }
        let runs = matches!(
            name,
            "builtins.exec" | "builtins.eval" | "builtins.compile" | "builtins.execfile"
        );
        // A stager writes Python to a file and starts an interpreter on it: what it writes is
        // read as code too (kept only if it parses cleanly).
        let writes = name.ends_with(".write") || name.ends_with(".write_text");
        if !runs && !writes {
            return;
        }
        let code = match args.first().and_then(|a| a.value.as_ref()) {
            Some(Const::Str(s)) => Some(s.clone()),
            Some(Const::Bytes(b)) => String::from_utf8(b.clone()).ok(),
            _ => None,
        };
        let worth = |c: &String| {
            if runs {
                c.len() >= 8
            } else {
                looks_like_python(c)
            }
        };
        if let Some(code) = code.filter(worth) {
            let chain = self.layer_chain(&call.arguments.args[0], 0);
            self.code_in_strings.push(PendingCode {
                code,
                call: self.facts.calls.len(),
                chain,
            });
        }
    }

    /// The transformations an argument applies to its constant, first applied first:
    /// decoders (`base64.b64decode`, `zlib.decompress`...), `reversal`, `chr`, `bytes`, `xor`.
    fn layer_chain(&self, expr: &Expr, depth: u32) -> Vec<String> {
        if depth > 32 {
            return Vec::new();
        }
        match expr {
            Expr::Subscript(s) => {
                let mut chain = self.layer_chain(&s.value, depth + 1);
                if let Expr::Slice(sl) = s.slice.as_ref() {
                    let step = sl.step.as_deref().and_then(|e| self.fold(e));
                    if matches!(step, Some(Const::Int(n)) if n < 0) {
                        chain.push("reversal".into());
                    }
                }
                chain
            }
            Expr::Call(c) => {
                let first = c.arguments.args.first();
                // `x.decode()`, `x.encode()`: the data is the receiver; `"".join(x)`: the argument.
                let (mut chain, method) = match c.func.as_ref() {
                    Expr::Attribute(a) if first.is_none() || a.attr.as_str() != "join" => {
                        let receiver = self.layer_chain(&a.value, depth + 1);
                        let from_arg = first
                            .map(|f| self.layer_chain(f, depth + 1))
                            .unwrap_or_default();
                        (
                            if receiver.is_empty() {
                                from_arg
                            } else {
                                receiver
                            },
                            Some(a.attr.as_str()),
                        )
                    }
                    Expr::Attribute(a) => (
                        first
                            .map(|f| self.layer_chain(f, depth + 1))
                            .unwrap_or_default(),
                        Some(a.attr.as_str()),
                    ),
                    _ => (
                        first
                            .map(|f| self.layer_chain(f, depth + 1))
                            .unwrap_or_default(),
                        None,
                    ),
                };
                let name = self.qualify(&c.func).unwrap_or_default();
                let comprehension_xor = first.is_some_and(|f| {
                    matches!(f, Expr::Generator(g) if matches!(g.elt.as_ref(), Expr::BinOp(b) if b.op == ast::Operator::BitXor))
                        || matches!(f, Expr::ListComp(g) if matches!(g.elt.as_ref(), Expr::BinOp(b) if b.op == ast::Operator::BitXor))
                });
                if crate::fold::is_decoding_call(&name) {
                    chain.push(name);
                } else if matches!(name.as_str(), "builtins.bytes" | "builtins.bytearray") {
                    chain.push(if comprehension_xor { "xor" } else { "bytes" }.into());
                } else if method == Some("join") && first.is_some_and(|f| mentions_chr(f)) {
                    chain.push("chr".into());
                }
                chain
            }
            _ => Vec::new(),
        }
    }
}

/// Whether an expression calls `chr` somewhere (a `chr` list or comprehension).
fn mentions_chr(expr: &Expr) -> bool {
    match expr {
        Expr::Call(c) => {
            matches!(c.func.as_ref(), Expr::Name(n) if n.id.as_str() == "chr")
                || c.arguments.args.iter().any(mentions_chr)
        }
        Expr::Generator(g) => mentions_chr(&g.elt),
        Expr::ListComp(g) => mentions_chr(&g.elt),
        Expr::Name(n) => n.id.as_str() == "chr",
        _ => false,
    }
}

/// Text that is worth parsing as Python when a program writes it to a file.
fn looks_like_python(text: &str) -> bool {
    text.len() >= 16
        && [
            "import ",
            "exec(",
            "eval(",
            "__import__",
            "os.system",
            "subprocess",
            "urlopen",
            "requests.",
        ]
        .iter()
        .any(|k| text.contains(k))
}
