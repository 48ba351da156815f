//! TEC010 decoded-payload: code the package keeps encoded (base64, zlib, marshal, XOR,
//! encryption...) and decodes to run, or writes out as a script. Each layer is decoded
//! statically and scanned like a file; this finding names the layer, and the findings inside
//! it carry the chain that produced them.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Tec010,
    name: "decoded-payload",
    category: Category::AntiDetection,
    // Hiding code is itself telling (suspicious); what the code does decides the rest.
    severity: Severity::High,
    description: "Runs (or writes out) code it keeps encoded; malpi decodes each layer and scans it.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for code in file.embedded.iter().filter(|e| !e.chain.is_empty()) {
            let chain = code.chain.join(" → ");
            let what = if code.written { "writes out" } else { "runs" };
            out.push(rule.at(
                file,
                code.span,
                code.trigger,
                Behaviour::DecodedPayload,
                format!(
                    "{what} {} bytes of code decoded through {chain} (layer {}): `{}`",
                    code.size, code.depth, code.first_line
                ),
            ));
        }
        if let Some(why) = &file.decoding_stopped {
            out.push(
                rule.at(
                    file,
                    malpi_python::Span::default(),
                    malpi_python::Trigger::Import,
                    Behaviour::DecodingBudget,
                    format!("decoding stopped at the budget: {why}"),
                )
                .severity(Severity::Medium),
            );
        }
    }
}
