//! RC003 chat-bot-control: a Discord or Telegram bot in a package that also runs commands
//! or takes screenshots: remote control over a chat channel.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};
use crate::names::is_command;

pub static RULE: Rule = Rule {
    id: RuleId::Rc003,
    name: "chat-bot-control",
    category: Category::RemoteControl,
    severity: Severity::High,
    description: "A Discord or Telegram bot that runs shell commands on the host.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        let bot = file.calls.iter().find(|c| {
            matches!(
                c.name.as_str(),
                "discord.Client"
                    | "discord.ext.commands.Bot"
                    | "telebot.TeleBot"
                    | "telegram.ext.Updater"
                    | "telegram.ext.Application.builder"
                    | "aiogram.Bot"
            )
        });
        let Some(bot) = bot else { continue };
        if file
            .calls
            .iter()
            .any(|c| is_command(&c.name) && c.trigger != malpi_python::Trigger::Install)
        {
            out.push(rule.at(
                file,
                bot.span,
                bot.trigger,
                Behaviour::ChatBot,
                format!("{} bot in a file that runs shell commands", bot.name),
            ));
        }
    }
}
