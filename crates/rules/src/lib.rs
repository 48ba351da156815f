//! malpi-rules: detection rules over package facts, and the verdict that weighs them.
//!
//! Each rule lives in one file named after its id (`command_execution/cmd001_shell_command.rs`
//! is CMD001), with its metadata next to its check, and fixtures in `fixtures/<ID>/`. Rules
//! say what they saw; `verdict` alone decides what it means.

mod flows;
mod id;
mod model;
mod names;
pub mod text;

pub mod iocs;
pub mod screen;
pub mod verdict;

mod anti_detection {
    pub mod tec001_pth_exec;
    pub mod tec002_hidden_code;
    pub mod tec003_obfuscator;
    pub mod tec004_obfuscated_text;
    pub mod tec005_invisible_unicode;
    pub mod tec006_homoglyph_names;
    pub mod tec007_sandbox_escape;
    pub mod tec008_indirect_import;
    pub mod tec009_image_payload;
    pub mod tec010_decoded_payload;
    pub mod tec011_external_payload;
    pub mod tec012_behaviour_overlap;
}
mod code_execution {
    pub mod exe001_exec_decoded;
    pub mod exe002_exec_downloaded;
    pub mod exe003_dynamic_exec;
    pub mod exe004_downloaded_code_run;
}
mod command_execution {
    pub mod cmd001_shell_command;
    pub mod cmd002_download_and_run;
    pub mod cmd003_hidden_process;
}
mod file_operation {
    pub mod fil001_drop_executable;
    pub mod fil002_persistence;
    pub mod fil003_destroy_data;
}
mod information_stealing {
    pub mod stl001_host_fingerprint;
    pub mod stl002_environment_secrets;
    pub mod stl003_credential_files;
    pub mod stl004_browser_data;
    pub mod stl005_discord_token;
    pub mod stl006_crypto_wallets;
    pub mod stl007_exfiltration_endpoint;
    pub mod stl008_network_send;
    pub mod stl009_spyware;
    pub mod stl010_secret_sent;
    pub mod stl011_host_data_sent;
    pub mod stl012_data_in_dns_name;
}
mod package {
    pub mod pkg001_archive_limits;
    pub mod pkg002_unsafe_member;
    pub mod pkg003_compiled_payload;
    pub mod pkg004_typosquat;
    pub mod pkg005_confusion_version;
    pub mod pkg006_borrowed_identity;
}
mod remote_control {
    pub mod rc001_reverse_shell;
    pub mod rc002_command_loop;
    pub mod rc003_chat_bot;
}

pub use model::*;
pub use verdict::{Combination, Decides, Verdict, VerdictKind};

/// Every rule, in id order.
pub static RULES: &[&Rule] = &[
    &command_execution::cmd001_shell_command::RULE,
    &command_execution::cmd002_download_and_run::RULE,
    &command_execution::cmd003_hidden_process::RULE,
    &code_execution::exe001_exec_decoded::RULE,
    &code_execution::exe002_exec_downloaded::RULE,
    &code_execution::exe003_dynamic_exec::RULE,
    &code_execution::exe004_downloaded_code_run::RULE,
    &file_operation::fil001_drop_executable::RULE,
    &file_operation::fil002_persistence::RULE,
    &file_operation::fil003_destroy_data::RULE,
    &package::pkg001_archive_limits::RULE,
    &package::pkg002_unsafe_member::RULE,
    &package::pkg003_compiled_payload::RULE,
    &package::pkg004_typosquat::RULE,
    &package::pkg005_confusion_version::RULE,
    &package::pkg006_borrowed_identity::RULE,
    &remote_control::rc001_reverse_shell::RULE,
    &remote_control::rc002_command_loop::RULE,
    &remote_control::rc003_chat_bot::RULE,
    &information_stealing::stl001_host_fingerprint::RULE,
    &information_stealing::stl002_environment_secrets::RULE,
    &information_stealing::stl003_credential_files::RULE,
    &information_stealing::stl004_browser_data::RULE,
    &information_stealing::stl005_discord_token::RULE,
    &information_stealing::stl006_crypto_wallets::RULE,
    &information_stealing::stl007_exfiltration_endpoint::RULE,
    &information_stealing::stl008_network_send::RULE,
    &information_stealing::stl009_spyware::RULE,
    &information_stealing::stl010_secret_sent::RULE,
    &information_stealing::stl011_host_data_sent::RULE,
    &information_stealing::stl012_data_in_dns_name::RULE,
    &anti_detection::tec001_pth_exec::RULE,
    &anti_detection::tec002_hidden_code::RULE,
    &anti_detection::tec003_obfuscator::RULE,
    &anti_detection::tec004_obfuscated_text::RULE,
    &anti_detection::tec005_invisible_unicode::RULE,
    &anti_detection::tec006_homoglyph_names::RULE,
    &anti_detection::tec007_sandbox_escape::RULE,
    &anti_detection::tec008_indirect_import::RULE,
    &anti_detection::tec009_image_payload::RULE,
    &anti_detection::tec010_decoded_payload::RULE,
    &anti_detection::tec011_external_payload::RULE,
    &anti_detection::tec012_behaviour_overlap::RULE,
];

/// Look a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    let id = RuleId::parse(id)?;
    RULES.iter().copied().find(|r| r.id == id)
}

/// Run every rule over a package's facts.
pub fn run(pkg: &PackageFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        (rule.check)(rule, pkg, &mut findings);
    }
    findings
}

#[cfg(test)]
mod fixture_tests;
