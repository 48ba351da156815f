//! What an expression names: `sp.Popen` is `subprocess.Popen` after `import subprocess as sp`,
//! `__import__('os').system` is `os.system`, `getattr(__builtins__, 'exec')` is
//! `builtins.exec`, `globals()['__builtins__']` is `builtins`.

use ruff_python_ast::{self as ast, Expr};

use crate::analyzer::Analyzer;
use crate::scope::normalise_owned;

/// Marker for the namespace dictionaries, so that a subscript on them looks the key up.
const NAMESPACE: &str = "<namespace>";
const MAX_DEPTH: u32 = 64;

impl Analyzer {
    /// The resolved dotted name of an expression, if it names something known.
    pub fn qualify(&self, expr: &Expr) -> Option<String> {
        self.qualify_at(expr, 0)
            .filter(|q| q != NAMESPACE)
            .map(normalise_owned)
    }

    fn qualify_at(&self, expr: &Expr, depth: u32) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match expr {
            Expr::Name(n) => self.scope.qualify(n.id.as_str()),
            Expr::Attribute(a) => {
                let mut base = self.qualify_at(&a.value, d)?;
                if base == NAMESPACE {
                    return None;
                }
                base.push('.');
                base.push_str(a.attr.as_str());
                Some(base)
            }
            Expr::Call(c) => self.qualify_call(c, d),
            Expr::Subscript(s) => {
                let base = self.qualify_at(&s.value, d)?;
                let key = self.fold(&s.slice)?.text()?;
                if !is_dotted_identifier(&key) {
                    return None;
                }
                if base == NAMESPACE {
                    // globals()['__builtins__'], globals()['os']
                    return self.scope.qualify(&key);
                }
                Some(format!("{base}.{key}"))
            }
            _ => None,
        }
    }

    fn qualify_call(&self, c: &ast::ExprCall, d: u32) -> Option<String> {
        let func = self.qualify_at(&c.func, d)?;
        let func = normalise_owned(func);
        let args = &c.arguments.args;
        let text_arg = |i: usize| {
            args.get(i)
                .and_then(|a| self.fold(a))
                .and_then(|v| v.text())
        };
        match func.as_str() {
            "builtins.__import__" | "importlib.import_module" | "importlib.__import__" => {
                text_arg(0).filter(|m| is_dotted_identifier(m))
            }
            "builtins.getattr" => {
                let base = self.qualify_at(args.first()?, d)?;
                let attr = text_arg(1).filter(|a| is_dotted_identifier(a))?;
                if base == NAMESPACE {
                    return self.scope.qualify(&attr);
                }
                Some(format!("{base}.{attr}"))
            }
            // `e = eval("eval")`, `c = eval("compile")`: a name looked up by evaluating it.
            "builtins.eval" => {
                let name = text_arg(0).filter(|n| is_dotted_identifier(n))?;
                let (root, rest) = name.split_once('.').unwrap_or((&name, ""));
                let mut q = self.scope.qualify(root)?;
                if !rest.is_empty() {
                    q.push('.');
                    q.push_str(rest);
                }
                Some(q)
            }
            "builtins.globals" | "builtins.locals" if args.is_empty() => Some(NAMESPACE.into()),
            "builtins.vars" if args.is_empty() => Some(NAMESPACE.into()),
            // vars(module) is the module's namespace; module.__dict__ normalises the same way.
            "builtins.vars" => self.qualify_at(&args[0], d),
            // The result of a call is named after what made it: `socket.socket().connect` is
            // `socket.socket.connect`, `requests.get(u).text` is `requests.get.text`.
            _ => Some(func),
        }
    }

    /// The name as written, for calls that do not resolve (`foo.bar` stays `foo.bar`).
    pub fn raw_name(&self, expr: &Expr) -> String {
        let mut parts: Vec<&str> = Vec::new();
        let mut cur = expr;
        loop {
            match cur {
                Expr::Attribute(a) => {
                    parts.push(a.attr.as_str());
                    cur = &a.value;
                }
                Expr::Name(n) => {
                    parts.push(n.id.as_str());
                    break;
                }
                Expr::Call(c) => cur = &c.func,
                _ => {
                    parts.push("?");
                    break;
                }
            }
            if parts.len() > 16 {
                break;
            }
        }
        let mut name = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
        for p in parts.iter().rev() {
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(p);
        }
        name
    }
}

pub fn is_dotted_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() < 200
        && s.split('.').all(|p| {
            let mut chars = p.chars();
            chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
                && chars.all(|c| c == '_' || c.is_alphanumeric())
        })
}
