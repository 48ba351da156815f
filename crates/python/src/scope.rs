//! What names stand for. One flat, ordered map per file: precise enough to see through
//! `import subprocess as sp`, `x = __import__('os')` or `e = getattr(__builtins__, 'exec')`,
//! and cheap. Shadowing inside functions is ignored on purpose: malicious code rarely
//! shadows, and a missed alias costs more than a rare wrong one.

use rustc_hash::FxHashMap;

use crate::facts::Const;

/// What a name is bound to.
#[derive(Clone, Debug, Default)]
pub struct Binding {
    /// The dotted name it stands for (a module, a function, an instance's class).
    pub qualified: Option<String>,
    /// Its constant value, when it has one.
    pub value: Option<Const>,
    /// Calls that produced it (`r = requests.get(u)` gives `requests.get`).
    pub calls: Vec<String>,
    /// What its value is made of, when it holds data from somewhere.
    pub taint: Option<Box<crate::flow::Taint>>,
    /// Its text as far as the code writes it, when it does not fold whole
    /// (`f"http://{host}/x"` gives `http://{…}/x`).
    pub shape: Option<Box<str>>,
}

#[derive(Default)]
pub struct Scope {
    names: FxHashMap<String, Binding>,
}

/// Builtins that matter for detection; a bare use resolves to `builtins.<name>`.
fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "exec"
            | "eval"
            | "compile"
            | "open"
            | "__import__"
            | "getattr"
            | "setattr"
            | "globals"
            | "locals"
            | "vars"
            | "chr"
            | "ord"
            | "bytes"
            | "bytearray"
            | "str"
            | "input"
            | "print"
            | "map"
            | "list"
            | "breakpoint"
            | "memoryview"
            | "type"
            | "object"
            | "reversed"
            | "hex"
            | "oct"
            | "copyright"
            | "format"
            | "repr"
            | "int"
            | "dict"
            | "zip"
            | "filter"
            | "sorted"
            | "sum"
            | "len"
            | "range"
    )
}

impl Scope {
    pub fn bind(&mut self, name: &str, binding: Binding) {
        // Bounded: a file assigning millions of names must not grow this without end.
        if self.names.len() < 100_000 || self.names.contains_key(name) {
            self.names.insert(name.to_string(), binding);
        }
    }

    pub fn bind_module(&mut self, name: &str, qualified: &str) {
        self.bind(
            name,
            Binding {
                qualified: Some(qualified.to_string()),
                ..Binding::default()
            },
        );
    }

    /// Take a name's binding out (a parameter shadows it inside a function).
    pub fn take(&mut self, name: &str) -> Option<Binding> {
        self.names.remove(name)
    }

    /// Put back what [`Scope::take`] took, or forget the name.
    pub fn restore(&mut self, name: &str, old: Option<Binding>) {
        match old {
            Some(b) => {
                self.names.insert(name.to_string(), b);
            }
            None => {
                self.names.remove(name);
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&Binding> {
        self.names.get(name)
    }

    /// The dotted name a bare identifier stands for.
    pub fn qualify(&self, name: &str) -> Option<String> {
        match self.names.get(name) {
            Some(b) => b.qualified.clone(),
            None if name == "__builtins__" || name == "builtins" => Some("builtins".into()),
            None if is_builtin(name) => Some(format!("builtins.{name}")),
            None => None,
        }
    }
}

/// Normalise a dotted name: `__builtins__` and `__builtin__` (Python 2) are `builtins`, and
/// the dictionary views of a module are the module (`builtins.__dict__.exec` is `builtins.exec`).
pub fn normalise(name: &str) -> String {
    normalise_owned(name.to_owned())
}

/// [`normalise`] without a copy in the common case (no dunder part to rewrite).
pub fn normalise_owned(name: String) -> String {
    if !name.contains("__") {
        return name;
    }
    let mut out = String::with_capacity(name.len());
    for (i, part) in name.split('.').enumerate() {
        let part = match part {
            "__builtins__" | "__builtin__" => "builtins",
            "__dict__" if i > 0 => continue,
            p => p,
        };
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(part);
    }
    // `builtins.builtins.exec` (from `__builtins__.__builtins__`) is still exec.
    while let Some(rest) = out.strip_prefix("builtins.builtins") {
        out = format!("builtins{rest}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_spellings_normalise() {
        assert_eq!(normalise("__builtins__.exec"), "builtins.exec");
        assert_eq!(normalise("__builtin__.__dict__.eval"), "builtins.eval");
        assert_eq!(normalise("os.system"), "os.system");
    }
}
