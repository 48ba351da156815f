//! `malpi scan --format sarif` against the official OASIS SARIF 2.1.0 schema kept in
//! `tests/data/`: real scans validate, and broken copies of one do not, so a pass means the
//! output was checked rather than waved through.

mod common;
mod json_schema;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use json_schema::{ErrorKind, ValidationError, validate};
use serde_json::{Value, json};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/rules/fixtures")
        .join(rel)
}

fn sarif_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    })
}

/// The SARIF document `malpi scan` writes for `paths`, which must exit with `code`.
fn sarif_of(paths: &[PathBuf], code: i32) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_malpi"))
        .args(["scan", "--format", "sarif"])
        .args(paths)
        .output()
        .unwrap();
    common::assert_exit(&out, code);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_valid(doc: &Value) {
    let errors = validate(sarif_schema(), doc);
    let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        errors.is_empty(),
        "not valid SARIF 2.1.0:\n{}",
        listed.join("\n")
    );
}

fn results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().unwrap()
}

/// SARIF of a flow finding (STL010's SSH key sent over a socket): the document every broken
/// copy below starts from, scanned once.
fn flow_sarif() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| sarif_of(&[fixture("STL010/positive/ssh_key_helper.py")], 1))
}

#[test]
fn sarif_of_a_flow_is_valid_and_carries_its_code_flow() {
    let doc = flow_sarif();
    assert_valid(doc);
    assert!(
        results(doc).iter().any(|r| {
            r["codeFlows"][0]["threadFlows"][0]["locations"]
                .as_array()
                .is_some_and(|steps| !steps.is_empty())
        }),
        "no result with a code flow"
    );
}

/// Several inputs at once, picked so the document holds every part the writer can emit: a
/// finding in a decoded layer, related locations (the chain from an entry point), a tool
/// notification (a file that could not be read as a package), and a clean input.
#[test]
fn sarif_of_several_inputs_is_valid() {
    let doc = sarif_of(
        &[
            fixture("EXE001/positive/setup.py"),
            fixture("STL011/positive/beacon_setup.py"),
            fixture("RC001/positive/mod.py"),
            fixture("TEC001/negative/paths.pth"),
            fixture("EXE001/negative/setup.py"),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/layers/layer_xor.py"),
        ],
        1,
    );
    assert_valid(&doc);
    let results = results(&doc);
    assert!(
        results.iter().any(|r| r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("(decoded: ")),
        "no finding in a decoded layer"
    );
    assert!(
        results
            .iter()
            .any(|r| !r["relatedLocations"].as_array().unwrap().is_empty()),
        "no related locations"
    );
    let notifications = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(
        !notifications.as_array().unwrap().is_empty(),
        "no tool notification"
    );
}

/// A URI reference holds no white space, so a member named with a space is percent-encoded
/// (`my%20setup.py`) rather than written as it is.
#[test]
fn sarif_of_a_file_named_with_a_space_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let spaced = dir.path().join("my setup.py");
    std::fs::copy(fixture("EXE001/positive/setup.py"), &spaced).unwrap();
    let doc = sarif_of(&[spaced], 1);
    assert_valid(&doc);
    assert_eq!(
        results(&doc)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "my%20setup.py"
    );
}

#[test]
fn sarif_of_a_clean_scan_is_valid() {
    let doc = sarif_of(&[fixture("EXE001/negative/setup.py")], 0);
    assert_valid(&doc);
    assert!(results(&doc).is_empty());
}

/// The errors in a copy of the flow SARIF after `break_it`; the copy must fail, and every
/// error must be about the document, none a schema keyword the validator could not apply.
fn errors_after(break_it: impl FnOnce(&mut Value)) -> Vec<ValidationError> {
    let mut doc = flow_sarif().clone();
    break_it(&mut doc);
    let errors = validate(sarif_schema(), &doc);
    assert!(!errors.is_empty(), "the broken document passed");
    assert!(
        errors.iter().all(|e| e.kind == ErrorKind::Invalid),
        "{errors:?}"
    );
    errors
}

fn assert_error_at(errors: &[ValidationError], instance_path: &str, keyword: &str) {
    assert!(
        errors
            .iter()
            .any(|e| e.instance_path == instance_path && e.keyword == keyword),
        "no {keyword} error at {instance_path:?}: {errors:?}"
    );
}

#[test]
fn a_log_without_its_version_is_invalid() {
    let errors = errors_after(|doc| {
        doc.as_object_mut().unwrap().remove("version");
    });
    assert_error_at(&errors, "", "required");
    assert!(errors[0].message.contains("`version`"), "{errors:?}");
}

#[test]
fn a_result_level_outside_the_enum_is_invalid() {
    let errors = errors_after(|doc| doc["runs"][0]["results"][0]["level"] = json!("fatal"));
    assert_error_at(&errors, "/runs/0/results/0/level", "enum");
}

#[test]
fn an_unknown_result_property_is_invalid() {
    let errors = errors_after(|doc| doc["runs"][0]["results"][0]["malpiVerdict"] = json!("x"));
    assert_error_at(&errors, "/runs/0/results/0", "additionalProperties");
    assert!(errors[0].message.contains("`malpiVerdict`"), "{errors:?}");
}

#[test]
fn a_start_line_of_zero_is_invalid() {
    let region = "/runs/0/results/0/locations/0/physicalLocation/region";
    let errors = errors_after(|doc| {
        *doc.pointer_mut(&format!("{region}/startLine")).unwrap() = json!(0);
    });
    assert_error_at(&errors, &format!("{region}/startLine"), "minimum");
}

#[test]
fn runs_as_an_object_is_invalid() {
    let errors = errors_after(|doc| {
        let run = doc["runs"][0].take();
        doc["runs"] = run;
    });
    assert_error_at(&errors, "/runs", "type");
}

/// The validator implements only the keywords the SARIF schema uses; any other must stop it
/// rather than be skipped, or a schema it half understands would pass anything.
#[test]
fn a_schema_keyword_the_validator_lacks_is_refused() {
    let schema = json!({ "oneOf": [{ "type": "string" }, { "type": "integer" }] });
    let errors = validate(&schema, &json!("x"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind, ErrorKind::Unsupported);
    assert_eq!(errors[0].keyword, "oneOf");
    assert_eq!(errors[0].message, "schema keyword oneOf not supported");
}
