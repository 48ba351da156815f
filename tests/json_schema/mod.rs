//! A JSON Schema (draft-04) validator for the tests, just large enough for the OASIS SARIF
//! 2.1.0 schema in `tests/data/`. It implements the keywords that schema uses (`type`, `$ref`
//! to `#/definitions/NAME`, `properties`, `additionalProperties`, `required`, `items`,
//! `minItems`, `uniqueItems`, `minimum`, `maximum`, `enum`, `pattern`, and `format` for `uri`,
//! `uri-reference` and `date-time`) and refuses any other keyword or form, so a schema it does
//! not understand can never pass a document silently.
//!
//! It lives here rather than as a JSON-schema crate because those pull some thirty crates
//! (ICU among them) into the dependency tree for one test.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Number, Value};

/// At most this many errors are collected: enough to see what is wrong, few enough to read.
pub const MAX_ERRORS: usize = 50;

/// `$ref`s followed in a row without going one step into the instance. More than this is a
/// reference cycle (a definition that is only a reference back to itself), which would
/// otherwise never end.
const MAX_REFS_IN_A_ROW: usize = 32;

/// Keywords that describe rather than constrain: draft-04 validation passes over them.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "default",
    "$schema",
    "id",
    "definitions",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The instance breaks the schema.
    Invalid,
    /// The schema is malformed or uses what this validator does not implement, so the
    /// instance could not be judged there.
    Unsupported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub kind: ErrorKind,
    /// JSON pointer to the instance value the error is about; `""` is the whole document.
    pub instance_path: String,
    /// JSON pointer into the schema to the keyword, e.g.
    /// `#/definitions/region/properties/startLine/minimum`.
    pub schema_path: String,
    pub keyword: String,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let instance = if self.instance_path.is_empty() {
            "(document)"
        } else {
            &self.instance_path
        };
        write!(
            f,
            "{instance}: {}: {} [{}]",
            self.keyword, self.message, self.schema_path
        )
    }
}

/// Every way `instance` breaks `schema`, and every part of `schema` met on the way that this
/// validator cannot apply; at most [`MAX_ERRORS`]. Empty when the instance is valid.
pub fn validate(schema: &Value, instance: &Value) -> Vec<ValidationError> {
    let mut validator = Validator {
        root: schema,
        patterns: HashMap::new(),
        errors: Vec::new(),
    };
    validator.check(schema, instance, "", "#", 0);
    validator.errors
}

/// What one keyword found: `Ok` with a message for each way the instance breaks it (none when
/// it holds), `Err` when the keyword's value is not something this validator can apply.
type KeywordOutcome = Result<Vec<String>, String>;

struct Validator<'s> {
    root: &'s Value,
    /// Each `pattern` compiled once: the SARIF schema repeats its GUID pattern a dozen times.
    patterns: HashMap<&'s str, Regex>,
    errors: Vec<ValidationError>,
}

impl<'s> Validator<'s> {
    fn full(&self) -> bool {
        self.errors.len() >= MAX_ERRORS
    }

    fn fail(
        &mut self,
        kind: ErrorKind,
        instance_path: &str,
        schema_path: &str,
        keyword: &str,
        message: String,
    ) {
        if !self.full() {
            self.errors.push(ValidationError {
                kind,
                instance_path: instance_path.to_owned(),
                schema_path: format!("{schema_path}/{}", escape(keyword)),
                keyword: keyword.to_owned(),
                message,
            });
        }
    }

    fn check(
        &mut self,
        schema: &'s Value,
        instance: &Value,
        instance_path: &str,
        schema_path: &str,
        refs_in_a_row: usize,
    ) {
        let Some(keywords) = schema.as_object() else {
            let message = format!("a draft-04 schema is an object, not {}", type_name(schema));
            self.fail(
                ErrorKind::Unsupported,
                instance_path,
                schema_path,
                "",
                message,
            );
            return;
        };
        if let Some(reference) = keywords.get("$ref") {
            // Draft-04 ignores every keyword beside `$ref`; one that constrains would be
            // dropped without a word, so it is refused instead.
            for keyword in keywords.keys() {
                if keyword != "$ref" && !ANNOTATIONS.contains(&keyword.as_str()) {
                    let message = format!("schema keyword {keyword} beside $ref not supported");
                    self.fail(
                        ErrorKind::Unsupported,
                        instance_path,
                        schema_path,
                        keyword,
                        message,
                    );
                }
            }
            self.follow(
                reference,
                instance,
                instance_path,
                schema_path,
                refs_in_a_row,
            );
            return;
        }
        for (keyword, value) in keywords {
            if self.full() {
                return;
            }
            let outcome = match keyword.as_str() {
                annotation if ANNOTATIONS.contains(&annotation) => Ok(Vec::new()),
                "type" => check_type(value, instance),
                "enum" => check_enum(value, instance),
                "required" => check_required(value, instance),
                "minItems" => check_min_items(value, instance),
                "uniqueItems" => check_unique_items(value, instance),
                "minimum" => check_bound(value, instance, Ordering::Less, "less than the minimum"),
                "maximum" => check_bound(
                    value,
                    instance,
                    Ordering::Greater,
                    "greater than the maximum",
                ),
                "pattern" => self.check_pattern(value, instance),
                "format" => check_format(value, instance),
                "properties" => self.check_properties(value, instance, instance_path, schema_path),
                "additionalProperties" => {
                    self.check_additional_properties(keywords, instance, instance_path, schema_path)
                }
                "items" => self.check_items(value, instance, instance_path, schema_path),
                other => Err(format!("schema keyword {other} not supported")),
            };
            match outcome {
                Ok(messages) => {
                    for message in messages {
                        self.fail(
                            ErrorKind::Invalid,
                            instance_path,
                            schema_path,
                            keyword,
                            message,
                        );
                    }
                }
                Err(message) => self.fail(
                    ErrorKind::Unsupported,
                    instance_path,
                    schema_path,
                    keyword,
                    message,
                ),
            }
        }
    }

    fn follow(
        &mut self,
        reference: &Value,
        instance: &Value,
        instance_path: &str,
        schema_path: &str,
        refs_in_a_row: usize,
    ) {
        let root = self.root;
        let target = reference.as_str().unwrap_or_default();
        let name = target
            .strip_prefix("#/definitions/")
            .filter(|name| !name.is_empty() && !name.contains('/'));
        let refusal = match name {
            None => Some(format!(
                "$ref {reference}: only local #/definitions/NAME references are supported"
            )),
            Some(name) if root.get("definitions").and_then(|d| d.get(name)).is_none() => {
                Some(format!("$ref {target}: no such definition"))
            }
            Some(_) if refs_in_a_row >= MAX_REFS_IN_A_ROW => Some(format!(
                "$ref {target}: {MAX_REFS_IN_A_ROW} references in a row, a reference cycle"
            )),
            Some(_) => None,
        };
        if let Some(message) = refusal {
            self.fail(
                ErrorKind::Unsupported,
                instance_path,
                schema_path,
                "$ref",
                message,
            );
            return;
        }
        let name = name.unwrap_or_default();
        let definition = &root["definitions"][name];
        self.check(
            definition,
            instance,
            instance_path,
            &format!("#/definitions/{}", escape(name)),
            refs_in_a_row + 1,
        );
    }

    fn check_pattern(&mut self, pattern: &'s Value, instance: &Value) -> KeywordOutcome {
        let Some(source) = pattern.as_str() else {
            return Err(format!("pattern {pattern} is not a string"));
        };
        if !self.patterns.contains_key(source) {
            let compiled =
                Regex::new(source).map_err(|e| format!("pattern /{source}/ not supported: {e}"))?;
            self.patterns.insert(source, compiled);
        }
        let Some(text) = instance.as_str() else {
            return Ok(Vec::new());
        };
        // A JSON Schema pattern is searched for, not anchored: `^`/`$` say so where meant.
        Ok(if self.patterns[source].is_match(text) {
            Vec::new()
        } else {
            vec![format!("{} does not match /{source}/", Value::from(text))]
        })
    }

    fn check_properties(
        &mut self,
        properties: &'s Value,
        instance: &Value,
        instance_path: &str,
        schema_path: &str,
    ) -> KeywordOutcome {
        let Some(properties) = properties.as_object() else {
            return Err("properties is not an object of schemas".to_owned());
        };
        let Some(members) = instance.as_object() else {
            return Ok(Vec::new());
        };
        for (name, schema) in properties {
            if let Some(member) = members.get(name) {
                self.check(
                    schema,
                    member,
                    &format!("{instance_path}/{}", escape(name)),
                    &format!("{schema_path}/properties/{}", escape(name)),
                    0,
                );
            }
        }
        Ok(Vec::new())
    }

    /// `additionalProperties` reads its sibling `properties` (draft-04 would also read
    /// `patternProperties`, which is refused where it appears).
    fn check_additional_properties(
        &mut self,
        keywords: &'s Map<String, Value>,
        instance: &Value,
        instance_path: &str,
        schema_path: &str,
    ) -> KeywordOutcome {
        let additional = &keywords["additionalProperties"];
        if !additional.is_boolean() && !additional.is_object() {
            return Err(format!(
                "additionalProperties {additional} is neither a boolean nor a schema"
            ));
        }
        let Some(members) = instance.as_object() else {
            return Ok(Vec::new());
        };
        let declared = keywords.get("properties").and_then(Value::as_object);
        let undeclared = members
            .iter()
            .filter(|(name, _)| declared.is_none_or(|declared| !declared.contains_key(*name)));
        let mut messages = Vec::new();
        for (name, member) in undeclared {
            match additional {
                Value::Bool(true) => {}
                Value::Bool(false) => messages.push(format!("property `{name}` is not allowed")),
                schema => self.check(
                    schema,
                    member,
                    &format!("{instance_path}/{}", escape(name)),
                    &format!("{schema_path}/additionalProperties"),
                    0,
                ),
            }
        }
        Ok(messages)
    }

    fn check_items(
        &mut self,
        items: &'s Value,
        instance: &Value,
        instance_path: &str,
        schema_path: &str,
    ) -> KeywordOutcome {
        if items.is_array() {
            return Err(
                "items as an array of schemas (one for each position) not supported".to_owned(),
            );
        }
        let Some(elements) = instance.as_array() else {
            return Ok(Vec::new());
        };
        for (index, element) in elements.iter().enumerate() {
            if self.full() {
                break;
            }
            self.check(
                items,
                element,
                &format!("{instance_path}/{index}"),
                &format!("{schema_path}/items"),
                0,
            );
        }
        Ok(Vec::new())
    }
}

fn check_type(types: &Value, instance: &Value) -> KeywordOutcome {
    let names: Vec<&str> = match types {
        Value::String(name) => vec![name],
        Value::Array(names) if !names.is_empty() => names
            .iter()
            .map(|name| {
                name.as_str()
                    .ok_or(format!("type {types} is not a list of names"))
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(format!(
                "type {types} is neither a name nor a list of names"
            ));
        }
    };
    let mut matched = false;
    for name in &names {
        matched |= is_of_type(name, instance)?;
    }
    Ok(if matched {
        Vec::new()
    } else {
        vec![format!(
            "expected {}, found {}",
            names.join(" or "),
            type_name(instance)
        )]
    })
}

/// Draft-04's primitive types; "integer" is any number without a fractional part, so `3.0`
/// is one.
fn is_of_type(name: &str, instance: &Value) -> Result<bool, String> {
    Ok(match name {
        "null" => instance.is_null(),
        "boolean" => instance.is_boolean(),
        "object" => instance.is_object(),
        "array" => instance.is_array(),
        "string" => instance.is_string(),
        "number" => instance.is_number(),
        "integer" => instance.as_number().is_some_and(is_integer),
        other => return Err(format!("type {other} is not a draft-04 type")),
    })
}

fn check_enum(allowed: &Value, instance: &Value) -> KeywordOutcome {
    let Some(allowed) = allowed.as_array() else {
        return Err(format!("enum {allowed} is not an array"));
    };
    Ok(if allowed.iter().any(|value| json_equal(value, instance)) {
        Vec::new()
    } else {
        vec![format!(
            "{} is not one of {}",
            shortened(instance),
            Value::from(allowed.clone())
        )]
    })
}

fn check_required(required: &Value, instance: &Value) -> KeywordOutcome {
    let names: Vec<&str> = required
        .as_array()
        .and_then(|names| names.iter().map(Value::as_str).collect())
        .ok_or(format!("required {required} is not a list of names"))?;
    let Some(members) = instance.as_object() else {
        return Ok(Vec::new());
    };
    Ok(names
        .into_iter()
        .filter(|name| !members.contains_key(*name))
        .map(|name| format!("required property `{name}` is missing"))
        .collect())
}

fn check_min_items(minimum: &Value, instance: &Value) -> KeywordOutcome {
    let Some(minimum) = minimum.as_u64() else {
        return Err(format!("minItems {minimum} is not a non-negative integer"));
    };
    let Some(elements) = instance.as_array() else {
        return Ok(Vec::new());
    };
    Ok(if elements.len() as u64 >= minimum {
        Vec::new()
    } else {
        vec![format!(
            "{} items, fewer than the minimum {minimum}",
            elements.len()
        )]
    })
}

fn check_unique_items(unique: &Value, instance: &Value) -> KeywordOutcome {
    let Some(unique) = unique.as_bool() else {
        return Err(format!("uniqueItems {unique} is not a boolean"));
    };
    let Some(elements) = instance.as_array().filter(|_| unique) else {
        return Ok(Vec::new());
    };
    let mut messages = Vec::new();
    for (first, a) in elements.iter().enumerate() {
        if let Some(offset) = elements[first + 1..].iter().position(|b| json_equal(a, b)) {
            let second = first + 1 + offset;
            messages.push(format!("items {first} and {second} are equal"));
        }
    }
    Ok(messages)
}

/// `minimum` (instance below it fails: `fails_when` Less) or `maximum` (Greater); draft-04's
/// `exclusiveMinimum`/`exclusiveMaximum` are refused where they appear.
fn check_bound(
    bound: &Value,
    instance: &Value,
    fails_when: Ordering,
    what: &str,
) -> KeywordOutcome {
    let Some(bound) = bound.as_number() else {
        return Err(format!("bound {bound} is not a number"));
    };
    let Some(number) = instance.as_number() else {
        return Ok(Vec::new());
    };
    Ok(if compare_numbers(number, bound) == Some(fails_when) {
        vec![format!("{number} is {what} {bound}")]
    } else {
        Vec::new()
    })
}

fn check_format(format: &Value, instance: &Value) -> KeywordOutcome {
    let is_valid: fn(&str) -> bool = match format.as_str() {
        Some("uri") => is_absolute_uri,
        Some("uri-reference") => is_uri_reference,
        Some("date-time") => is_rfc3339_date_time,
        _ => return Err(format!("format {format} not supported")),
    };
    Ok(match instance.as_str() {
        Some(text) if !is_valid(text) => vec![format!("{} is not a {format}", Value::from(text))],
        _ => Vec::new(),
    })
}

/// An absolute URI as far as a test needs: a scheme (`[A-Za-z][A-Za-z0-9+.-]*`), a colon,
/// then what a URI reference may hold.
fn is_absolute_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme = scheme.chars();
    scheme.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        && is_uri_reference(rest)
}

/// A URI reference never holds white space or control characters: those are percent-encoded.
fn is_uri_reference(text: &str) -> bool {
    !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// RFC 3339's `date-time`: `2024-02-29T23:59:60.5+05:30`, with the date a real one.
fn is_rfc3339_date_time(text: &str) -> bool {
    static DATE_TIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(?:[Zz]|[+-]([0-9]{2}):([0-9]{2}))$",
        )
        .unwrap()
    });
    let Some(captures) = DATE_TIME.captures(text) else {
        return false;
    };
    let field = |i: usize| -> u32 { captures.get(i).map_or(0, |m| m.as_str().parse().unwrap()) };
    let (year, month, day) = (field(1), field(2), field(3));
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return false,
    };
    // Second 60 is a leap second, which RFC 3339 allows.
    (1..=days_in_month).contains(&day)
        && field(4) <= 23
        && field(5) <= 59
        && field(6) <= 60
        && field(7) <= 23
        && field(8) <= 59
}

fn is_integer(number: &Number) -> bool {
    number.is_i64() || number.is_u64() || number.as_f64().is_some_and(|f| f.fract() == 0.0)
}

/// Exact for integers (serde_json keeps `u64` and `i64` apart), by value otherwise.
fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    let exact = |n: &Number| n.as_i64().map(i128::from).or(n.as_u64().map(i128::from));
    match (exact(a), exact(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// JSON Schema's equality, for `enum` and `uniqueItems`: numbers by value (`1` equals `1.0`,
/// which `Value`'s own `==` denies), objects whatever their members' order.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => compare_numbers(a, b) == Some(Ordering::Equal),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(name, a)| b.get(name).is_some_and(|b| json_equal(a, b)))
        }
        _ => a == b,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(n) if is_integer(n) => "integer",
        Value::Number(_) => "number",
    }
}

/// A value as JSON, cut short: an error names the value, it need not print a whole object.
fn shortened(value: &Value) -> String {
    const MOST: usize = 80;
    let text = value.to_string();
    match text.char_indices().nth(MOST) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// One JSON pointer segment (RFC 6901): `~` and `/` in a name are escaped.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The validator's own behaviour, keyword by keyword, on schemas small enough to read.
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(schema: Value, instance: Value) -> Vec<ValidationError> {
        validate(&schema, &instance)
    }

    fn is_valid(schema: Value, instance: Value) -> bool {
        let found = errors(schema, instance);
        assert!(
            found.iter().all(|e| e.kind == ErrorKind::Invalid),
            "schema refused: {found:?}"
        );
        found.is_empty()
    }

    #[test]
    fn an_integer_is_a_number_without_a_fractional_part() {
        let schema = json!({ "type": "integer" });
        assert!(is_valid(schema.clone(), json!(3)));
        assert!(is_valid(schema.clone(), json!(-3)));
        assert!(is_valid(schema.clone(), json!(3.0)));
        assert!(!is_valid(schema.clone(), json!(3.5)));
        assert!(!is_valid(schema, json!("3")));
    }

    #[test]
    fn a_list_of_types_accepts_any_of_them() {
        let schema = json!({ "type": ["string", "null"] });
        assert!(is_valid(schema.clone(), json!("x")));
        assert!(is_valid(schema.clone(), json!(null)));
        let found = errors(schema, json!(1));
        assert_eq!(found[0].message, "expected string or null, found integer");
    }

    #[test]
    fn equality_is_by_value_for_enum_and_unique_items() {
        assert!(is_valid(json!({ "enum": [1, "a"] }), json!(1.0)));
        assert!(!is_valid(json!({ "enum": [1, "a"] }), json!("b")));
        let unique = json!({ "uniqueItems": true });
        assert!(!is_valid(unique.clone(), json!([1, 1.0])));
        assert!(!is_valid(
            unique.clone(),
            json!([{ "a": 1, "b": 2 }, { "b": 2, "a": 1 }])
        ));
        assert!(is_valid(unique, json!([1, 2, "1"])));
        assert!(is_valid(json!({ "uniqueItems": false }), json!([1, 1])));
    }

    #[test]
    fn bounds_hold_on_numbers_and_pass_over_other_values() {
        let schema = json!({ "minimum": -1, "maximum": 100.0 });
        assert!(is_valid(schema.clone(), json!(-1)));
        assert!(is_valid(schema.clone(), json!(100)));
        assert!(!is_valid(schema.clone(), json!(-1.5)));
        assert!(!is_valid(schema.clone(), json!(100.5)));
        assert!(is_valid(schema, json!("-7")));
        assert!(!is_valid(json!({ "minimum": 0 }), json!(i64::MIN)));
        assert!(is_valid(json!({ "minimum": 0 }), json!(u64::MAX)));
    }

    #[test]
    fn objects_need_required_members_and_declare_the_rest() {
        let schema = json!({
            "properties": { "a": { "type": "string" } },
            "additionalProperties": false,
            "required": ["a"],
        });
        assert!(is_valid(schema.clone(), json!({ "a": "x" })));
        let found = errors(schema.clone(), json!({}));
        assert_eq!(found[0].keyword, "required");
        let found = errors(schema.clone(), json!({ "a": "x", "b/c": 1 }));
        assert_eq!(found[0].keyword, "additionalProperties");
        assert!(found[0].message.contains("`b/c`"), "{found:?}");
        let found = errors(schema, json!({ "a": 1 }));
        assert_eq!(found[0].instance_path, "/a");
        assert_eq!(found[0].schema_path, "#/properties/a/type");

        let typed_rest = json!({ "additionalProperties": { "type": "integer" } });
        assert!(is_valid(typed_rest.clone(), json!({ "x": 1 })));
        let found = errors(typed_rest, json!({ "x": 1, "y~": "no" }));
        assert_eq!(found[0].instance_path, "/y~0");
    }

    #[test]
    fn arrays_check_every_item_and_their_length() {
        let schema = json!({ "items": { "type": "string" }, "minItems": 1 });
        assert!(is_valid(schema.clone(), json!(["a"])));
        assert_eq!(errors(schema.clone(), json!([]))[0].keyword, "minItems");
        let found = errors(schema, json!(["a", 2]));
        assert_eq!(found[0].instance_path, "/1");
    }

    #[test]
    fn patterns_are_searched_for_not_anchored() {
        assert!(is_valid(
            json!({ "pattern": "[^/]+/.+" }),
            json!("text/plain")
        ));
        assert!(is_valid(json!({ "pattern": "b" }), json!("abc")));
        assert!(!is_valid(json!({ "pattern": "^b" }), json!("abc")));
        assert!(is_valid(json!({ "pattern": "^b" }), json!(7)));
        let bad = errors(json!({ "pattern": "(" }), json!("x"));
        assert_eq!(bad[0].kind, ErrorKind::Unsupported);
    }

    #[test]
    fn formats_uri_uri_reference_and_date_time() {
        let uri = json!({ "format": "uri" });
        assert!(is_valid(uri.clone(), json!("https://example.com/a?b#c")));
        assert!(is_valid(uri.clone(), json!("urn:isbn:0451450523")));
        assert!(!is_valid(uri.clone(), json!("src/main.py")));
        assert!(!is_valid(uri.clone(), json!("1http://x")));
        assert!(!is_valid(uri, json!("https://example.com/a b")));

        let reference = json!({ "format": "uri-reference" });
        assert!(is_valid(reference.clone(), json!("pkg/setup.py")));
        assert!(is_valid(reference.clone(), json!("")));
        assert!(!is_valid(reference.clone(), json!("my file.py")));
        assert!(!is_valid(reference, json!("a\u{7}b")));

        let date_time = json!({ "format": "date-time" });
        for valid in [
            "2024-02-29T23:59:60Z",
            "1999-12-31t00:00:00.123456+05:30",
            "2000-02-29T12:00:00-00:00",
        ] {
            assert!(is_valid(date_time.clone(), json!(valid)), "{valid}");
        }
        for invalid in [
            "2023-02-29T12:00:00Z",
            "1900-02-29T12:00:00Z",
            "2024-01-01 12:00:00Z",
            "2024-01-01T12:00:00",
            "2024-13-01T12:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T12:00:00+24:00",
            "2024-01-01",
        ] {
            assert!(!is_valid(date_time.clone(), json!(invalid)), "{invalid}");
        }

        let unknown = errors(json!({ "format": "email" }), json!("a@b"));
        assert_eq!(unknown[0].kind, ErrorKind::Unsupported);
    }

    #[test]
    fn references_are_local_definitions_only() {
        let schema = json!({
            "definitions": { "name": { "type": "string" }, "loop": { "$ref": "#/definitions/loop" } },
            "properties": {
                "a": { "$ref": "#/definitions/name", "description": "beside $ref, ignored" },
                "remote": { "$ref": "other.json#/definitions/name" },
                "deep": { "$ref": "#/properties/a" },
                "missing": { "$ref": "#/definitions/nothing" },
                "cycle": { "$ref": "#/definitions/loop" },
                "beside": { "$ref": "#/definitions/name", "minimum": 1 },
            },
        });
        assert!(is_valid(schema.clone(), json!({ "a": "x" })));
        let found = errors(schema.clone(), json!({ "a": 1 }));
        assert_eq!(found[0].schema_path, "#/definitions/name/type");
        for refused in ["remote", "deep", "missing", "cycle", "beside"] {
            let found = errors(schema.clone(), json!({ refused: "x" }));
            assert!(
                !found.is_empty() && found.iter().all(|e| e.kind == ErrorKind::Unsupported),
                "{refused}: {found:?}"
            );
        }
    }

    #[test]
    fn a_schema_that_is_not_an_object_is_refused() {
        let found = errors(json!({ "items": true }), json!([1]));
        assert_eq!(found[0].kind, ErrorKind::Unsupported);
        let found = errors(json!({ "items": [{ "type": "string" }] }), json!(["a"]));
        assert_eq!(found[0].kind, ErrorKind::Unsupported);
    }

    #[test]
    fn errors_stop_at_the_cap() {
        let many: Vec<u32> = (0..200).collect();
        let found = errors(json!({ "items": { "type": "string" } }), json!(many));
        assert_eq!(found.len(), MAX_ERRORS);
    }
}
