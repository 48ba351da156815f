//! Parameters a function loads as a private key (`Account.from_key(validate_key)`,
//! `Keypair.from_base58_string(k)`): key material by what the code does with it, whatever the
//! parameter is called. A flow from one is a flow of a secret.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Stmt};

/// Last names of calls that turn their first argument into a signing key or wallet.
const KEY_LOADERS: &[&str] = &[
    "from_key",
    "from_private_key",
    "privateKeyToAccount",
    "from_mnemonic",
    "from_seed",
    "from_secret_key",
    "from_base58_string",
    "from_bytes_secret",
    "SigningKey",
    "PrivateKey",
    "from_wif",
    "mnemonic_to_seed",
];

/// How deep the search goes into one body's expressions: hostile nesting stops here.
const MAX_DEPTH: usize = 200;

/// The parameters among `params` that the body passes first to a key loader.
pub fn loaded_as_keys(body: &[Stmt], params: &[String]) -> Vec<String> {
    let mut finder = Finder {
        params,
        found: Vec::new(),
        depth: 0,
    };
    for stmt in body {
        finder.visit_stmt(stmt);
    }
    finder.found
}

struct Finder<'p> {
    params: &'p [String],
    found: Vec<String>,
    depth: usize,
}

impl<'a> Visitor<'a> for Finder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        // A nested function has parameters of its own.
        if matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) || self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        visitor::walk_stmt(self, stmt);
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.depth > MAX_DEPTH {
            return;
        }
        if let Expr::Call(call) = expr {
            let last = match call.func.as_ref() {
                Expr::Attribute(a) => Some(a.attr.as_str()),
                Expr::Name(n) => Some(n.id.as_str()),
                _ => None,
            };
            if last.is_some_and(|l| KEY_LOADERS.contains(&l)) {
                if let Some(Expr::Name(arg)) = call.arguments.args.first() {
                    let name = arg.id.as_str();
                    if self.params.iter().any(|p| p == name)
                        && !self.found.iter().any(|f| f == name)
                    {
                        self.found.push(name.to_string());
                    }
                }
            }
        }
        self.depth += 1;
        visitor::walk_expr(self, expr);
        self.depth -= 1;
    }
}
