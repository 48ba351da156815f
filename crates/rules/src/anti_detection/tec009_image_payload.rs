//! TEC009 image-payload: code that reads an image and runs code in the same file: the
//! payload travels as pixels or as bytes appended to a picture (steganography), where no
//! scanner of Python text looks.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::{is_decode, is_exec};

pub static RULE: Rule = Rule {
    id: RuleId::Tec009,
    name: "image-payload",
    category: Category::AntiDetection,
    severity: Severity::High,
    description: "Reads an image file and runs code (exec/eval of data) in the same file: a payload hidden in a picture.",
    check,
};

const IMAGE_SUFFIXES: &[&str] = &[".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp"];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        let reads_image = file.calls.iter().any(|c| {
            c.name.ends_with("Image.open")
                || c.name == "builtins.open"
                    && c.args.first().and_then(|a| a.text()).is_some_and(|t| {
                        let t = t.to_ascii_lowercase();
                        IMAGE_SUFFIXES.iter().any(|s| t.ends_with(s))
                    })
        });
        if !reads_image {
            continue;
        }
        // exec of decoded or read data: bytes that came out of the file, not code written here.
        let Some(exec) = file.calls.iter().find(|c| {
            is_exec(&c.name)
                && c.args.first().is_some_and(|a| {
                    a.value.is_none()
                        && a.calls
                            .iter()
                            .any(|n| is_decode(n) || n.ends_with(".read") || n.ends_with("getdata"))
                })
        }) else {
            continue;
        };
        out.push(rule.at(
            file,
            exec.span,
            exec.trigger,
            Behaviour::ImagePayload,
            format!("reads an image and runs code with {}", exec.name),
        ));
    }
}
