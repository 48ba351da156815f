//! STL003 credential-files: names files that hold credentials (SSH keys, cloud and package
//! registry credentials, shell history, system password files).

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Stl003,
    name: "credential-files",
    category: Category::InformationStealing,
    severity: Severity::Medium,
    description: "Refers to credential stores: ~/.ssh keys, ~/.aws/credentials, ~/.netrc, .git-credentials, .pypirc, /etc/shadow, shell history, kube and docker configs.",
    check,
};

pub static PATHS: crate::text::Fragments = &[
    (".ssh/id_rsa", "SSH private key"),
    (".ssh/id_ed25519", "SSH private key"),
    (".ssh/id_", "SSH private key"),
    (".aws/credentials", "AWS credentials"),
    (".netrc", "netrc credentials"),
    (".git-credentials", "git credentials"),
    (".pypirc", "PyPI credentials"),
    (".npmrc", "npm credentials"),
    (".docker/config.json", "Docker registry credentials"),
    (".kube/config", "Kubernetes credentials"),
    ("/etc/shadow", "system password hashes"),
    ("/etc/passwd", "system accounts"),
    (".bash_history", "shell history"),
    (".zsh_history", "shell history"),
    (".gnupg", "GnuPG keys"),
    (".config/gcloud", "Google Cloud credentials"),
    (".azure/", "Azure CLI credentials"),
    (
        "/proc/self/environ",
        "the process environment (a CI job's secrets)",
    ),
    ("filezilla/recentservers.xml", "FTP credentials"),
    ("filezilla/sitemanager.xml", "FTP credentials"),
];

/// Credential stores their own tools read in normal use.
const TOOL_CONFIGS: &[&str] = &[
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".docker/config.json",
    ".kube/config",
    ".gnupg",
    ".config/gcloud",
    ".azure/",
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for (s, fragment, why) in crate::text::matches(pkg, fi, PATHS) {
            // The public half of an SSH key pair is made to be handed out.
            if fragment.starts_with(".ssh/") && s.value.trim_end().ends_with(".pub") {
                continue;
            }
            if s.value.len() < 300 {
                // Package managers, registries and cloud tools read their own config files
                // (a netrc for a download, a kube config for a cluster): weak alone.
                let severity = if TOOL_CONFIGS.contains(&fragment) {
                    Severity::Low
                } else {
                    Severity::Medium
                };
                out.push(
                    rule.at(
                        file,
                        s.span,
                        s.trigger,
                        Behaviour::CredentialFiles,
                        format!("refers to {why}: `{}`", malpi_python::cut(&s.value, 100)),
                    )
                    .severity(severity)
                    .targeting(&malpi_python::cut(&s.value, 100)),
                );
            }
        }
    }
}
