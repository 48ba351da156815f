//! FIL003 destroy-data: deletes the user's data or the system (rmtree of home or root,
//! `rm -rf /`, `del /f /s /q`, formatting drives).

use crate::id::{Behaviour, RuleId};
use crate::model::{Category, Finding, PackageFacts, Rule, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::Fil003,
    name: "destroy-data",
    category: Category::FileOperation,
    severity: Severity::High,
    description: "Destroys data: removes home or root trees, rm -rf /, del /f /s /q, format, or wipes the disk.",
    check,
};

pub static COMMANDS: crate::text::Fragments = &[
    ("rm -rf /", "removes the file system"),
    ("rm -rf ~", "removes the home folder"),
    ("rm -rf $home", "removes the home folder"),
    ("del /f /s /q c:", "deletes the system drive"),
    ("rd /s /q c:", "deletes the system drive"),
    ("format c:", "formats the system drive"),
    ("mkfs.", "formats a disk"),
    ("dd if=/dev/zero of=/dev/", "wipes a disk"),
    ("vssadmin delete shadows", "deletes shadow copies"),
];

fn check(rule: &Rule, pkg: &PackageFacts, out: &mut Vec<Finding>) {
    for (fi, file) in pkg.files.iter().enumerate() {
        for (s, _, why) in crate::text::matches(pkg, fi, COMMANDS) {
            let exact_root = s.value.trim_end().ends_with("rm -rf /")
                || s.value.contains("rm -rf /*")
                || !s.value.contains("rm -rf /");
            if exact_root {
                out.push(rule.at(
                    file,
                    s.span,
                    s.trigger,
                    Behaviour::Destroy,
                    format!("{why}: `{}`", malpi_python::cut(&s.value, 120)),
                ));
            }
        }
        for call in file.calls.iter().filter(|c| c.name == "shutil.rmtree") {
            let target = call.args.first();
            let home = target.is_some_and(|a| {
                a.text().is_some_and(|t| {
                    matches!(t.as_str(), "/" | "~" | "C:\\" | "C:/" | "/home" | "/Users")
                }) || (a.calls.iter().any(|c| c == "os.path.expanduser")
                    && a.text().is_some_and(|t| t == "~"))
            });
            if home {
                out.push(rule.at(
                    file,
                    call.span,
                    call.trigger,
                    Behaviour::Destroy,
                    "removes the home folder or the file system root".into(),
                ));
            }
        }
    }
}
