//! EXE001 exec-decoded: runs code that was decoded or decompressed first
//! (`exec(base64.b64decode(...))`, `exec(zlib.decompress(...))`, `marshal.loads`): the usual
//! wrapping of a hidden payload.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity, by_trigger};
use crate::names::{is_decode, is_exec};

pub static RULE: Rule = Rule {
    id: RuleId::Exe001,
    name: "exec-decoded",
    category: Category::CodeExecution,
    severity: Severity::High,
    description: "Executes code produced by decoding or decompressing data (base64, hex, zlib, lzma, marshal, Fernet).",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in file.calls.iter().filter(|c| is_exec(&c.name)) {
            let Some(arg) = call.args.first() else {
                continue;
            };
            if let Some(decoder) = arg.calls.iter().find(|c| is_decode(c)) {
                let sev = by_trigger(
                    call.trigger,
                    Severity::High,
                    Severity::High,
                    Severity::Medium,
                );
                out.push(
                    rule.at(
                        file,
                        call.span,
                        call.trigger,
                        Behaviour::ExecDecoded,
                        format!("{} runs code decoded with {decoder}", call.name),
                    )
                    .severity(sev),
                );
            }
        }
    }
}
