//! STL009 spyware: takes screenshots, logs keys, or reads the clipboard.

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Stl009,
    name: "spyware",
    category: Category::InformationStealing,
    severity: Severity::Medium,
    description: "Captures the screen, keystrokes or webcam, or reads the clipboard.",
    check,
};

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for file in &pkg.files {
        for call in &file.calls {
            let what = match call.name.as_str() {
                "PIL.ImageGrab.grab" | "pyautogui.screenshot" | "mss.mss" | "mss.mss.shot" => {
                    "takes a screenshot"
                }
                "pynput.keyboard.Listener"
                | "keyboard.on_press"
                | "keyboard.hook"
                | "pyHook.HookManager" => "logs keystrokes",
                "cv2.VideoCapture" => "opens the webcam",
                "pyperclip.paste" | "win32clipboard.GetClipboardData" => "reads the clipboard",
                _ => continue,
            };
            out.push(rule.at(
                file,
                call.span,
                call.trigger,
                Behaviour::Spyware,
                format!("{what} ({})", call.name),
            ));
        }
    }
}
