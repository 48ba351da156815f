//! TEC011 external-payload: the package carries no payload; it fetches code at run time and
//! runs it (`exec(urlopen(u).read())`), so what it does can change after review. With a
//! decoder between the download and the exec it is a multi-stage request: the server sends
//! an encoded stage that the package unwraps.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::{is_decode, remote_code_runs};

pub static RULE: Rule = Rule {
    id: RuleId::Tec011,
    name: "external-payload",
    category: Category::AntiDetection,
    severity: Severity::High,
    description: "Fetches code at run time and runs it (external payload); through a decoder, a multi-stage request.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (index, file) in pkg.files.iter().enumerate() {
        for (call, source) in remote_code_runs(pkg, index) {
            let decoders: Vec<&str> = call.args[0]
                .calls
                .iter()
                .filter(|c| is_decode(c))
                .map(String::as_str)
                .collect();
            let (behaviour, message) = if decoders.is_empty() {
                (
                    Behaviour::ExternalPayload,
                    format!("runs code fetched with {source}"),
                )
            } else {
                (
                    Behaviour::MultiStageRequest,
                    format!(
                        "runs code fetched with {source} and unwrapped with {}",
                        decoders.join(", ")
                    ),
                )
            };
            out.push(rule.at(file, call.span, call.trigger, behaviour, message));
        }
    }
}
