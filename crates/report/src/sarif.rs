//! SARIF 2.1.0, the format code-scanning tools read: one run, malpi's rules as the driver's
//! rules, one result per finding located in the package member.

use std::io::{self, Write};

use malpi_rules::{RULES, Severity};
use malpi_scan::Report;
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// A member path as SARIF's `artifactLocation.uri`, which must be a URI reference: every byte
/// a URI cannot hold as it is (white space, `%`, `?`, `#`, `\`, non-ASCII, and `:`, which would
/// make `c:x` read as a scheme) is percent-encoded, so `my setup.py` is `my%20setup.py`.
fn artifact_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        let kept = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if kept {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

pub fn write_sarif(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": r.name },
                "fullDescription": { "text": r.description },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "category": r.category.as_str(), "tags": ["security", r.category.as_str()] },
            })
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        for f in &report.findings {
            let Some(index) = RULES.iter().position(|r| r.id == f.rule) else {
                continue;
            };
            let path = if f.path.is_empty() {
                &report.package.file
            } else {
                &f.path
            };
            let mut physical = json!({ "artifactLocation": { "uri": artifact_uri(path) } });
            if f.line > 0 {
                physical["region"] = json!({
                    "startLine": f.line,
                    "startColumn": f.column.max(1),
                    "snippet": { "text": f.snippet },
                });
            }
            // The chain from the entry point, so a reader sees why the trigger is what it is.
            let related: Vec<Value> = f
                .reached_by
                .iter()
                .enumerate()
                .map(|(i, step)| {
                    let mut physical =
                        json!({ "artifactLocation": { "uri": artifact_uri(&step.path) } });
                    if step.line > 0 {
                        physical["region"] = json!({ "startLine": step.line });
                    }
                    json!({
                        "id": i,
                        "physicalLocation": physical,
                        "message": { "text": step.what },
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": { "text": match &f.decoded_from {
                    Some(via) => format!("{} (decoded: {via})", f.message),
                    None => f.message.clone(),
                } },
                "locations": [{ "physicalLocation": physical }],
                "relatedLocations": related,
                "properties": {
                    "package": report.package.name,
                    "version": report.package.version,
                    "packageFile": report.package.file,
                    "sha256": report.package.sha256,
                    "verdict": report.verdict.as_str(),
                    "behaviour": f.behaviour,
                    "severity": f.severity.as_str(),
                    "confidence": f.confidence,
                    "trigger": f.trigger.map(|t| t.as_str()),
                },
            });
            // A flow is a path through the code: code-scanning tools show it step by step.
            if !f.flow.is_empty() {
                let locations: Vec<Value> = f
                    .flow
                    .iter()
                    .map(|step| {
                        json!({ "location": {
                            "physicalLocation": {
                                "artifactLocation": { "uri": artifact_uri(&step.path) },
                                "region": { "startLine": step.line.max(1) },
                            },
                            "message": { "text": step.what },
                        }})
                    })
                    .collect();
                result["codeFlows"] = json!([{ "threadFlows": [{ "locations": locations }] }]);
            }
            results.push(result);
        }
    }
    let invocations: Vec<Value> = reports
        .iter()
        .filter(|r| !r.errors.is_empty())
        .flat_map(|r| r.errors.iter().map(move |e| json!({ "level": "warning", "message": { "text": format!("{}: {e}", r.package.file) } })))
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "malpi",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/malpi/malpi",
                "rules": rules,
            }},
            "invocations": [{ "executionSuccessful": true, "toolExecutionNotifications": invocations }],
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::artifact_uri;

    #[test]
    fn a_path_a_uri_cannot_hold_as_it_is_is_percent_encoded() {
        assert_eq!(artifact_uri("pkg-1.0/setup.py"), "pkg-1.0/setup.py");
        assert_eq!(artifact_uri("pkg/my setup.py"), "pkg/my%20setup.py");
        assert_eq!(artifact_uri("a%20b?#.py"), "a%2520b%3F%23.py");
        assert_eq!(artifact_uri("C:\\x\\y.py"), "C%3A%5Cx%5Cy.py");
        assert_eq!(artifact_uri("café.py"), "caf%C3%A9.py");
    }
}
