//! Folding through ciphers and decompressors: `Fernet(key).decrypt(token)`,
//! `AES.new(key, mode, iv).decrypt(data)`, the repeating-key XOR idiom, and the budget note a
//! decompression bomb leaves. The arithmetic of the bounded decoders is in `decoders/`.

use ruff_python_ast::{self as ast, Expr, Operator};

use crate::analyzer::Analyzer;
use crate::decoders;
use crate::facts::Const;
use crate::fold::Env;

impl Analyzer {
    /// A decompressor's result; a bomb stops at the budget and is noted for a finding.
    pub(crate) fn decoded(&self, result: Result<Vec<u8>, decoders::DecodeError>) -> Option<Const> {
        match result {
            Ok(data) => Some(Const::Bytes(data)),
            Err(decoders::DecodeError::TooLarge) => {
                self.decode_overflow.set(true);
                None
            }
            Err(decoders::DecodeError::Invalid) => None,
        }
    }

    /// `Fernet(key).decrypt(token)` and `AES.new(key, mode[, iv]).decrypt(data)` with the key
    /// and the data both constant in the file: the payload is read as the package would.
    pub(crate) fn fold_decrypt(&self, c: &ast::ExprCall, env: &Env, d: u32) -> Option<Const> {
        let Expr::Attribute(attr) = c.func.as_ref() else {
            return None;
        };
        if attr.attr.as_str() != "decrypt" {
            return None;
        }
        let Expr::Call(maker) = attr.value.as_ref() else {
            return None;
        };
        let made = self.qualify(&maker.func)?;
        let data = self
            .fold_in(c.arguments.args.first()?, env, d)?
            .into_bytes()?;
        let arg = |i: usize| {
            maker
                .arguments
                .args
                .get(i)
                .and_then(|a| self.fold_in(a, env, d))
        };
        if made.ends_with("Fernet") {
            let key = arg(0)?.into_bytes()?;
            return decoders::fernet_decrypt(&key, &data).map(Const::Bytes);
        }
        if made.ends_with("AES.new") {
            let key = arg(0)?.into_bytes()?;
            let mode = maker.arguments.args.get(1).and_then(|m| {
                self.qualify(m)
                    .or_else(|| self.fold_in(m, env, d).and_then(|v| v.text()))
            });
            let cbc = mode.as_deref().is_some_and(|m| m.ends_with("MODE_CBC"))
                || matches!(arg(1), Some(Const::Int(2)));
            let iv = if cbc {
                Some(
                    arg(2)
                        .or_else(|| {
                            maker
                                .arguments
                                .keywords
                                .iter()
                                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "iv"))
                                .and_then(|k| self.fold_in(&k.value, env, d))
                        })?
                        .into_bytes()?,
                )
            } else {
                None
            };
            return decoders::aes_decrypt(&key, iv.as_deref(), &data).map(Const::Bytes);
        }
        None
    }

    /// `(a ^ b for a, b in zip(data, itertools.cycle(key)))`: the repeating-key XOR idiom.
    pub(crate) fn fold_xor_zip(&self, expr: &Expr, env: &Env, d: u32) -> Option<Vec<u8>> {
        let (Expr::Generator(ast::ExprGenerator {
            elt, generators, ..
        })
        | Expr::ListComp(ast::ExprListComp {
            elt, generators, ..
        })) = expr
        else {
            return None;
        };
        let [generator] = &generators[..] else {
            return None;
        };
        let (Expr::BinOp(op), Expr::Tuple(target), Expr::Call(zip)) =
            (elt.as_ref(), &generator.target, &generator.iter)
        else {
            return None;
        };
        let names: Vec<&str> = target
            .elts
            .iter()
            .filter_map(|e| e.as_name_expr().map(|n| n.id.as_str()))
            .collect();
        let operands =
            [op.left.as_ref(), op.right.as_ref()].map(|e| e.as_name_expr().map(|n| n.id.as_str()));
        let pairs = names.len() == 2
            && (operands == [Some(names[0]), Some(names[1])]
                || operands == [Some(names[1]), Some(names[0])]);
        if op.op != Operator::BitXor || !pairs || self.qualify(&zip.func)? != "builtins.zip" {
            return None;
        }
        let [data, key] = &zip.arguments.args[..] else {
            return None;
        };
        let data = self.fold_in(data, env, d)?.into_bytes()?;
        match key {
            // `cycle(key)` repeats the key over all the data.
            Expr::Call(cycle) if self.qualify(&cycle.func)?.ends_with("cycle") => {
                let key = self
                    .fold_in(cycle.arguments.args.first()?, env, d)?
                    .into_bytes()?;
                (!key.is_empty()).then(|| decoders::xor(&data, &key))
            }
            // A plain key: zip stops at the shorter of the two.
            other => {
                let key = self.fold_in(other, env, d)?.into_bytes()?;
                let n = data.len().min(key.len());
                Some(decoders::xor(&data[..n], &key[..n]))
            }
        }
    }
}
