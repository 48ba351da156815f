//! Constant folding: the value of an expression when it is built from literals, so that a
//! name or URL assembled from pieces is still seen. Nothing here runs scanned code; each
//! operation is re-implemented for constants, under a size and depth budget.

use ruff_python_ast::{self as ast, Expr, Number, Operator, UnaryOp};

use crate::analyzer::Analyzer;
use crate::decoders;
use crate::facts::Const;

/// Largest string or byte string folding may produce (a `"a" * 10**9` must not allocate).
const MAX_LEN: usize = 1 << 20;
/// Deepest expression folding descends.
const MAX_DEPTH: u32 = 200;

/// Temporary bindings while folding a comprehension (`chr(c) for c in [...]`).
pub type Env<'e> = [(&'e str, Const)];

/// What `repr` of a few builtins gives: old obfuscators index into these to spell names.
fn builtin_str(name: &str) -> Option<String> {
    match name {
        "copyright" => Some("Copyright (c) 2001-2023 Python Software Foundation.\nAll Rights Reserved.\n\nCopyright (c) 2000 BeOpen.com.\nAll Rights Reserved.\n\nCopyright (c) 1995-2001 Corporation for National Research Initiatives.\nAll Rights Reserved.\n\nCopyright (c) 1991-1995 Stichting Mathematisch Centrum, Amsterdam.\nAll Rights Reserved.".into()),
        "exec" | "eval" | "compile" | "open" | "chr" | "ord" | "hex" | "oct" | "getattr"
        | "setattr" | "print" | "input" | "len" | "repr" | "format" | "sum" | "sorted"
        | "vars" | "globals" | "locals" | "__import__" => Some(format!("<built-in function {name}>")),
        "map" | "list" | "str" | "bytes" | "bytearray" | "int" | "dict" | "zip" | "filter"
        | "range" | "reversed" | "type" | "object" | "memoryview" => Some(format!("<class '{name}'>")),
        _ => None,
    }
}

impl Analyzer {
    pub fn fold(&self, expr: &Expr) -> Option<Const> {
        self.fold_in(expr, &[], 0)
    }

    pub fn fold_in(&self, expr: &Expr, env: &Env, depth: u32) -> Option<Const> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match expr {
            Expr::StringLiteral(s) => Some(Const::Str(s.value.to_str().to_string())),
            Expr::BytesLiteral(b) => Some(Const::Bytes(
                b.value
                    .iter()
                    .flat_map(|p| p.value.iter().copied())
                    .collect(),
            )),
            Expr::NumberLiteral(n) => match &n.value {
                Number::Int(i) => i.as_i64().map(Const::Int),
                _ => None,
            },
            Expr::BooleanLiteral(b) => Some(Const::Int(b.value as i64)),
            Expr::Name(n) => {
                let id = n.id.as_str();
                if let Some((_, v)) = env.iter().rev().find(|(k, _)| *k == id) {
                    return Some(v.clone());
                }
                self.scope.get(id).and_then(|b| b.value.clone())
            }
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                if elts.len() > 100_000 {
                    return None;
                }
                elts.iter()
                    .map(|e| self.fold_in(e, env, d))
                    .collect::<Option<Vec<_>>>()
                    .map(Const::List)
            }
            Expr::BinOp(b) => {
                let left = self.fold_in(&b.left, env, d)?;
                let right = self.fold_in(&b.right, env, d)?;
                binop(left, b.op, right)
            }
            Expr::UnaryOp(u) => match (u.op, self.fold_in(&u.operand, env, d)?) {
                (UnaryOp::USub, Const::Int(i)) => i.checked_neg().map(Const::Int),
                (UnaryOp::UAdd, Const::Int(i)) => Some(Const::Int(i)),
                (UnaryOp::Invert, Const::Int(i)) => Some(Const::Int(!i)),
                _ => None,
            },
            Expr::Subscript(s) => self.fold_subscript(s, env, d),
            // Only fully constant f-strings fold; holes with constant values are filled.
            Expr::FString(f) => fstring_text(f, |hole| match self.fold_in(hole, env, d)? {
                Const::Str(s) => Some(s),
                Const::Int(n) => Some(n.to_string()),
                _ => None,
            })
            .map(Const::Str),
            Expr::Call(c) => self.fold_call(c, env, d),
            _ => None,
        }
    }

    fn fold_subscript(&self, s: &ast::ExprSubscript, env: &Env, d: u32) -> Option<Const> {
        let value = self.fold_in(&s.value, env, d)?;
        if let Expr::Slice(sl) = s.slice.as_ref() {
            let int = |e: &Option<Box<Expr>>| -> Option<Option<i64>> {
                match e {
                    None => Some(None),
                    Some(e) => match self.fold_in(e, env, d)? {
                        Const::Int(i) => Some(Some(i)),
                        _ => None,
                    },
                }
            };
            let (lo, hi, step) = (int(&sl.lower)?, int(&sl.upper)?, int(&sl.step)?);
            return slice(value, lo, hi, step.unwrap_or(1));
        }
        let Const::Int(i) = self.fold_in(&s.slice, env, d)? else {
            return None;
        };
        match value {
            Const::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                let idx = index(i, chars.len())?;
                Some(Const::Str(chars[idx].to_string()))
            }
            Const::Bytes(b) => Some(Const::Int(b[index(i, b.len())?] as i64)),
            Const::List(items) => {
                let idx = index(i, items.len())?;
                items.into_iter().nth(idx)
            }
            Const::Int(_) => None,
        }
    }

    fn fold_call(&self, c: &ast::ExprCall, env: &Env, d: u32) -> Option<Const> {
        let args = &c.arguments.args;
        if let Some(decrypted) = self.fold_decrypt(c, env, d) {
            return Some(decrypted);
        }
        // Methods of a constant receiver: "".join(...), b"".decode(), s.replace(...).
        if let Expr::Attribute(attr) = c.func.as_ref() {
            let method = attr.attr.as_str();
            if let Some(receiver) = self.fold_in(&attr.value, env, d) {
                let arg = |i: usize| args.get(i).and_then(|a| self.fold_in(a, env, d));
                return method_call(receiver, method, arg(0), arg(1), || {
                    args.first().and_then(|a| self.fold_iterable(a, env, d))
                });
            }
            // `oct.__str__()` and friends: the repr of a builtin.
            if method == "__str__" || method == "__repr__" {
                if let Expr::Name(n) = attr.value.as_ref() {
                    if self.scope.get(n.id.as_str()).is_none() {
                        return builtin_str(n.id.as_str()).map(Const::Str);
                    }
                }
            }
        }
        let Some(name) = self.qualify(&c.func) else {
            // A local helper given one base64 literal (`b64d("Y3VybCAt...")`) decodes it:
            // read it as the decoded text.
            if let (Expr::Name(_), [arg]) = (c.func.as_ref(), &args[..]) {
                if let Some(Const::Str(s)) = self.fold_in(arg, env, d) {
                    return crate::decoders::likely_base64_text(&s).map(Const::Str);
                }
            }
            return None;
        };
        let arg0 = || args.first().and_then(|a| self.fold_in(a, env, d));
        match name.as_str() {
            "builtins.chr" => match arg0()? {
                Const::Int(i) => {
                    char::from_u32(u32::try_from(i).ok()?).map(|c| Const::Str(c.to_string()))
                }
                _ => None,
            },
            "builtins.ord" => match arg0()? {
                Const::Str(s) if s.chars().count() == 1 => {
                    Some(Const::Int(s.chars().next()? as i64))
                }
                _ => None,
            },
            "builtins.str" => match arg0()? {
                Const::Int(i) => Some(Const::Str(i.to_string())),
                Const::Str(s) => Some(Const::Str(s)),
                _ => None,
            },
            "builtins.bytes" | "builtins.bytearray" => {
                if let Some(x) = args.first().and_then(|a| self.fold_xor_zip(a, env, d)) {
                    return Some(Const::Bytes(x));
                }
                match arg0().or_else(|| args.first().and_then(|a| self.fold_iterable(a, env, d)))? {
                    Const::List(items) => items
                        .into_iter()
                        .map(|i| match i {
                            Const::Int(n) => u8::try_from(n).ok(),
                            _ => None,
                        })
                        .collect::<Option<Vec<u8>>>()
                        .map(Const::Bytes),
                    Const::Str(s) => Some(Const::Bytes(s.into_bytes())),
                    b @ Const::Bytes(_) => Some(b),
                    Const::Int(_) => None,
                }
            }
            "base64.b64decode"
            | "base64.standard_b64decode"
            | "base64.urlsafe_b64decode"
            | "base64.decodebytes"
            | "base64.decodestring"
            | "binascii.a2b_base64" => {
                decoders::base64_decode(&arg0()?.into_bytes()?).map(Const::Bytes)
            }
            "base64.b32decode" => decoders::base32_decode(&arg0()?.into_bytes()?).map(Const::Bytes),
            "base64.b16decode" => hex_decode(&arg0()?.text()?).map(Const::Bytes),
            "base64.b85decode" => decoders::base85_decode(&arg0()?.into_bytes()?).map(Const::Bytes),
            "base64.a85decode" => decoders::a85_decode(&arg0()?.into_bytes()?).map(Const::Bytes),
            "zlib.decompress" | "gzip.decompress" | "bz2.decompress" | "lzma.decompress" => {
                let data = arg0()?.into_bytes()?;
                let decoded = match name.as_str() {
                    "zlib.decompress" => decoders::zlib_decompress(&data),
                    "gzip.decompress" => decoders::gzip_decompress(&data),
                    "bz2.decompress" => decoders::bz2_decompress(&data),
                    _ => decoders::lzma_decompress(&data),
                };
                self.decoded(decoded)
            }
            "codecs.decode" => {
                let codec = args
                    .get(1)
                    .and_then(|a| self.fold_in(a, env, d))
                    .and_then(|c| c.text())
                    .unwrap_or_else(|| "utf-8".into())
                    .to_ascii_lowercase()
                    .replace('-', "_");
                let data = arg0()?;
                match codec.as_str() {
                    "rot13" | "rot_13" => Some(Const::Str(decoders::rot13(&data.text()?))),
                    "hex" | "hex_codec" => hex_decode(&data.text()?).map(Const::Bytes),
                    "base64" | "base64_codec" | "base_64" => {
                        decoders::base64_decode(&data.into_bytes()?).map(Const::Bytes)
                    }
                    "zlib" | "zlib_codec" | "zip" => {
                        self.decoded(decoders::zlib_decompress(&data.into_bytes()?))
                    }
                    "bz2" | "bz2_codec" => {
                        self.decoded(decoders::bz2_decompress(&data.into_bytes()?))
                    }
                    "utf_8" | "utf8" | "ascii" | "latin_1" => match data {
                        Const::Bytes(b) => {
                            Some(Const::Str(String::from_utf8_lossy(&b).into_owned()))
                        }
                        s @ Const::Str(_) => Some(s),
                        _ => None,
                    },
                    _ => None,
                }
            }
            "marshal.loads" => {
                let data = arg0()?.into_bytes()?;
                let summary = crate::marshal::read(&data)?;
                Some(Const::Str(crate::unmarshal::as_source(&summary)))
            }
            "bytes.fromhex"
            | "bytearray.fromhex"
            | "builtins.bytes.fromhex"
            | "builtins.bytearray.fromhex"
            | "binascii.unhexlify"
            | "binascii.a2b_hex" => {
                let text = arg0()?.text()?;
                hex_decode(&text).map(Const::Bytes)
            }
            "builtins.list" | "builtins.reversed" | "builtins.map" => {
                let it = self.fold_iterable(&Expr::Call(c.clone()), env, d)?;
                Some(it)
            }
            _ => None,
        }
    }

    /// An iterable's items: a constant list, `map(f, xs)`, a comprehension over a constant
    /// list, `reversed(x)`, or a string's characters.
    pub fn fold_iterable(&self, expr: &Expr, env: &Env, d: u32) -> Option<Const> {
        if d > MAX_DEPTH {
            return None;
        }
        match expr {
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) if generators.len() == 1 && generators[0].ifs.is_empty() => {
                let generator = &generators[0];
                let Expr::Name(target) = &generator.target else {
                    return None;
                };
                let Const::List(items) = self.fold_iterable(&generator.iter, env, d + 1)? else {
                    return None;
                };
                let mut scoped: Vec<(&str, Const)> = env.to_vec();
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    scoped.push((target.id.as_str(), item));
                    out.push(self.fold_in(elt, &scoped, d + 1)?);
                    scoped.pop();
                }
                Some(Const::List(out))
            }
            Expr::Call(c) => {
                let name = self.qualify(&c.func)?;
                let args = &c.arguments.args;
                match (name.as_str(), args.len()) {
                    ("builtins.map", 2) => {
                        let f = self.qualify(&args[0])?;
                        let Const::List(items) = self.fold_iterable(&args[1], env, d + 1)? else {
                            return None;
                        };
                        let out = items
                            .into_iter()
                            .map(|i| apply_builtin(&f, i))
                            .collect::<Option<Vec<_>>>()?;
                        Some(Const::List(out))
                    }
                    ("builtins.reversed", 1) => match self.fold_iterable(&args[0], env, d + 1)? {
                        Const::List(mut items) => {
                            items.reverse();
                            Some(Const::List(items))
                        }
                        _ => None,
                    },
                    ("builtins.list" | "builtins.tuple", 1) => {
                        self.fold_iterable(&args[0], env, d + 1)
                    }
                    _ => None,
                }
            }
            other => match self.fold_in(other, env, d + 1)? {
                Const::Str(s) => Some(Const::List(
                    s.chars().map(|c| Const::Str(c.to_string())).collect(),
                )),
                Const::Bytes(b) => Some(Const::List(
                    b.into_iter().map(|x| Const::Int(x as i64)).collect(),
                )),
                l @ Const::List(_) => Some(l),
                Const::Int(_) => None,
            },
        }
    }
}

fn apply_builtin(f: &str, value: Const) -> Option<Const> {
    match (f, value) {
        ("builtins.chr", Const::Int(i)) => {
            char::from_u32(u32::try_from(i).ok()?).map(|c| Const::Str(c.to_string()))
        }
        ("builtins.ord", Const::Str(s)) if s.chars().count() == 1 => {
            Some(Const::Int(s.chars().next()? as i64))
        }
        ("builtins.str", Const::Int(i)) => Some(Const::Str(i.to_string())),
        ("builtins.str", s @ Const::Str(_)) => Some(s),
        ("builtins.int", i @ Const::Int(_)) => Some(i),
        _ => None,
    }
}

fn method_call(
    receiver: Const,
    method: &str,
    arg0: Option<Const>,
    arg1: Option<Const>,
    iterable0: impl Fn() -> Option<Const>,
) -> Option<Const> {
    match (receiver, method) {
        (Const::Str(sep), "join") => {
            let Const::List(items) = iterable0()? else {
                return None;
            };
            let parts = items
                .into_iter()
                .map(|i| match i {
                    Const::Str(s) => Some(s),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?;
            let total: usize = parts.iter().map(String::len).sum();
            (total <= MAX_LEN).then(|| Const::Str(parts.join(&sep)))
        }
        (Const::Bytes(sep), "join") => {
            let Const::List(items) = iterable0()? else {
                return None;
            };
            let mut out = Vec::new();
            for (i, item) in items.into_iter().enumerate() {
                let Const::Bytes(b) = item else { return None };
                if i > 0 {
                    out.extend_from_slice(&sep);
                }
                out.extend_from_slice(&b);
                if out.len() > MAX_LEN {
                    return None;
                }
            }
            Some(Const::Bytes(out))
        }
        (Const::Bytes(b), "decode") => Some(Const::Str(String::from_utf8_lossy(&b).into_owned())),
        (Const::Str(s), "encode") => Some(Const::Bytes(s.into_bytes())),
        (Const::Str(s), "lower") => Some(Const::Str(s.to_lowercase())),
        (Const::Str(s), "upper") => Some(Const::Str(s.to_uppercase())),
        (Const::Str(s), "strip") if arg0.is_none() => Some(Const::Str(s.trim().to_string())),
        (Const::Str(s), "replace") => match (arg0?, arg1?) {
            (Const::Str(a), Const::Str(b)) if !a.is_empty() => {
                let out = s.replace(&a, &b);
                (out.len() <= MAX_LEN).then_some(Const::Str(out))
            }
            _ => None,
        },
        (Const::Str(s), "format") => Some(Const::Str(s)).filter(|_| arg0.is_none()),
        _ => None,
    }
}

fn binop(left: Const, op: Operator, right: Const) -> Option<Const> {
    use Const::*;
    match (left, op, right) {
        (Str(a), Operator::Add, Str(b)) if a.len() + b.len() <= MAX_LEN => Some(Str(a + &b)),
        (Bytes(mut a), Operator::Add, Bytes(b)) if a.len() + b.len() <= MAX_LEN => {
            a.extend_from_slice(&b);
            Some(Bytes(a))
        }
        (List(mut a), Operator::Add, List(b)) if a.len() + b.len() <= 100_000 => {
            a.extend(b);
            Some(List(a))
        }
        (Str(s), Operator::Mult, Int(n)) | (Int(n), Operator::Mult, Str(s)) => {
            let n = usize::try_from(n).unwrap_or(0);
            (s.len().saturating_mul(n) <= MAX_LEN).then(|| Str(s.repeat(n)))
        }
        (Int(a), op, Int(b)) => match op {
            Operator::Add => a.checked_add(b),
            Operator::Sub => a.checked_sub(b),
            Operator::Mult => a.checked_mul(b),
            Operator::FloorDiv => (b != 0).then(|| a.div_euclid(b)),
            Operator::Mod => (b != 0).then(|| a.rem_euclid(b)),
            Operator::LShift => u32::try_from(b)
                .ok()
                .filter(|&s| s < 63)
                .and_then(|s| a.checked_mul(1 << s)),
            Operator::RShift => u32::try_from(b).ok().map(|s| a >> s.min(63)),
            Operator::BitXor => Some(a ^ b),
            Operator::BitAnd => Some(a & b),
            Operator::BitOr => Some(a | b),
            Operator::Pow => u32::try_from(b).ok().and_then(|e| a.checked_pow(e)),
            _ => None,
        }
        .map(Int),
        _ => None,
    }
}

fn index(i: i64, len: usize) -> Option<usize> {
    let idx = if i < 0 { len as i64 + i } else { i };
    (0..len as i64).contains(&idx).then_some(idx as usize)
}

/// Python slicing, for strings, bytes and lists.
fn slice(value: Const, lo: Option<i64>, hi: Option<i64>, step: i64) -> Option<Const> {
    fn pick<T: Clone>(items: &[T], lo: Option<i64>, hi: Option<i64>, step: i64) -> Option<Vec<T>> {
        if step == 0 {
            return None;
        }
        let len = items.len() as i64;
        let clamp = |v: i64, lo_b: i64, hi_b: i64| {
            let v = if v < 0 { v + len } else { v };
            v.clamp(lo_b, hi_b)
        };
        let mut out = Vec::new();
        if step > 0 {
            let start = lo.map_or(0, |v| clamp(v, 0, len));
            let stop = hi.map_or(len, |v| clamp(v, 0, len));
            let mut i = start;
            while i < stop {
                out.push(items[i as usize].clone());
                i += step;
            }
        } else {
            let start = lo.map_or(len - 1, |v| clamp(v, -1, len - 1));
            let stop = hi.map_or(-1, |v| clamp(v, -1, len - 1));
            let mut i = start;
            while i > stop {
                out.push(items[i as usize].clone());
                i += step;
            }
        }
        Some(out)
    }
    match value {
        Const::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Some(Const::Str(
                pick(&chars, lo, hi, step)?.into_iter().collect(),
            ))
        }
        Const::Bytes(b) => Some(Const::Bytes(pick(&b, lo, hi, step)?)),
        Const::List(items) => Some(Const::List(pick(&items, lo, hi, step)?)),
        Const::Int(_) => None,
    }
}

pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return None;
    }
    let nibble = |b: u8| (b as char).to_digit(16).map(|v| v as u8);
    digits
        .chunks(2)
        .map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?))
        .collect()
}

/// An f-string's text: its literal parts, and for each hole what `hole` gives (`None` from
/// it makes the whole `None`).
pub fn fstring_text(
    f: &ast::ExprFString,
    mut hole: impl FnMut(&Expr) -> Option<String>,
) -> Option<String> {
    let mut out = String::new();
    for part in f.value.iter() {
        match part {
            ast::FStringPart::Literal(l) => out.push_str(&l.value),
            ast::FStringPart::FString(fs) => {
                for el in fs.elements.iter() {
                    match el {
                        ast::InterpolatedStringElement::Literal(l) => out.push_str(&l.value),
                        ast::InterpolatedStringElement::Interpolation(i) => {
                            out.push_str(&hole(&i.expression)?)
                        }
                    }
                }
            }
        }
        if out.len() > MAX_LEN {
            return None;
        }
    }
    Some(out)
}

/// Calls that decode, decompress, decrypt or unmarshal: the layers of a hidden payload.
pub fn is_decoding_call(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    matches!(
        last,
        "b64decode"
            | "b32decode"
            | "b16decode"
            | "b85decode"
            | "a85decode"
            | "standard_b64decode"
            | "urlsafe_b64decode"
            | "decodebytes"
            | "decodestring"
            | "a2b_base64"
            | "a2b_hex"
            | "unhexlify"
            | "fromhex"
            | "decompress"
            | "decrypt"
            | "loads"
    ) || name == "codecs.decode"
}
