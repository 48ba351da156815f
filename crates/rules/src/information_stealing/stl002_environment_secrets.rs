//! STL002 environment-dump: takes the whole environment (`dict(os.environ)`,
//! `os.environ.items()`) or names secret variables; tokens and keys live there.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Stl002,
    name: "environment-dump",
    category: Category::InformationStealing,
    severity: Severity::Medium,
    description: "Collects the whole process environment, or reads well-known secret variables (cloud keys, CI tokens).",
    check,
};

pub static SECRET_VARS: crate::text::Fragments = &[
    ("aws_secret_access_key", ""),
    ("aws_session_token", ""),
    ("github_token", ""),
    ("gh_token", ""),
    ("npm_token", ""),
    ("pypi_token", ""),
    ("twine_password", ""),
    ("azure_client_secret", ""),
    ("google_application_credentials", ""),
    ("openai_api_key", ""),
    ("circle_token", ""),
    ("gitlab_token", ""),
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for call in &file.calls {
            let wholesale = matches!(
                call.name.as_str(),
                "os.environ.items"
                    | "os.environ.copy"
                    | "os.environ.keys"
                    | "os.environ.values"
                    | "os.environ.__str__"
                    | "os.environ.__repr__"
                    | "os.environ.__iter__"
            ) || (matches!(
                call.name.as_str(),
                "builtins.dict" | "builtins.str" | "json.dumps" | "builtins.repr" | "builtins.list"
            ) && call
                .args
                .first()
                .is_some_and(|a| a.names.iter().any(|n| n == "os.environ") && a.calls.is_empty()));
            if wholesale {
                out.push(rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::Environment,
                    format!("collects the whole environment with {}", call.name),
                ));
            }
        }
        for (s, frag, _) in crate::text::matches(pkg, fi, SECRET_VARS) {
            if s.value.len() < 64 {
                out.push(
                    rule.at(
                        file,
                        s.span,
                        s.trigger,
                        Behaviour::SecretVariable,
                        format!("reads the secret variable {}", frag.to_ascii_uppercase()),
                    )
                    .severity(Severity::Low),
                );
            }
        }
    }
}
