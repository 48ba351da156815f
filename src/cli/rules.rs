//! `malpi rules`: the rule list, from the rules' own metadata.

use std::process::ExitCode;

use clap::Args;

#[derive(Args)]
pub struct RulesArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    if args.json {
        let list: Vec<serde_json::Value> = malpi_rules::RULES
            .iter()
            .map(|r| {
                serde_json::json!({"id": r.id, "name": r.name, "category": r.category.as_str(), "severity": r.severity.as_str(), "description": r.description})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        for r in malpi_rules::RULES {
            println!(
                "{:<7} {:<26} {:<21} {:<8} {}",
                r.id,
                r.name,
                r.category.as_str(),
                r.severity.as_str(),
                r.description
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
