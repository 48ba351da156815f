//! Typed names of what rules report: a rule's id and the behaviour a finding shows.
//!
//! The verdict, the reports and the tests compare these, never the text they print as: a
//! renamed behaviour or a reworded message cannot silently change a verdict.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::model::Category;

macro_rules! rule_ids {
    ($($variant:ident $code:literal),* $(,)?) => {
        /// A rule's id, as `malpi rule <ID>` and every report spell it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId { $($variant),* }

        impl RuleId {
            /// Every id, in order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(RuleId::$variant => $code),* }
            }

            /// The id spelled `code` (any case).
            pub fn parse(code: &str) -> Option<RuleId> {
                RuleId::ALL.iter().copied().find(|id| id.as_str().eq_ignore_ascii_case(code))
            }
        }
    };
}

rule_ids! {
    Cmd001 "CMD001", Cmd002 "CMD002", Cmd003 "CMD003",
    Exe001 "EXE001", Exe002 "EXE002", Exe003 "EXE003", Exe004 "EXE004",
    Fil001 "FIL001", Fil002 "FIL002", Fil003 "FIL003",
    Pkg001 "PKG001", Pkg002 "PKG002", Pkg003 "PKG003", Pkg004 "PKG004", Pkg005 "PKG005",
    Pkg006 "PKG006",
    Rc001 "RC001", Rc002 "RC002", Rc003 "RC003",
    Stl001 "STL001", Stl002 "STL002", Stl003 "STL003", Stl004 "STL004", Stl005 "STL005",
    Stl006 "STL006", Stl007 "STL007", Stl008 "STL008", Stl009 "STL009", Stl010 "STL010",
    Stl011 "STL011", Stl012 "STL012",
    Tec001 "TEC001", Tec002 "TEC002", Tec003 "TEC003", Tec004 "TEC004", Tec005 "TEC005",
    Tec006 "TEC006", Tec007 "TEC007", Tec008 "TEC008", Tec009 "TEC009", Tec010 "TEC010",
    Tec011 "TEC011", Tec012 "TEC012",
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

macro_rules! behaviours {
    ($($category:ident $category_name:literal { $($variant:ident $name:literal),* $(,)? })*) => {
        /// What a finding shows, within its category; reports spell it `category/name`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Behaviour { $($($variant),*),* }

        impl Behaviour {
            /// `category/name`, as reports print it.
            pub fn as_str(self) -> &'static str {
                match self { $($(Behaviour::$variant => concat!($category_name, "/", $name)),*),* }
            }

            /// The name within the category (`save-download`), as techniques are listed.
            pub fn name(self) -> &'static str {
                match self { $($(Behaviour::$variant => $name),*),* }
            }

            pub fn category(self) -> Category {
                match self { $($(Behaviour::$variant => Category::$category),*),* }
            }
        }
    };
}

behaviours! {
    CommandExecution "command-execution" {
        Shell "shell",
        DownloadAndRun "download-and-run",
        DownloadAndRunLine "download-and-run-line",
        HiddenWindow "hidden-window",
    }
    CodeExecution "code-execution" {
        ExecDecoded "exec-decoded",
        ExecDownloaded "exec-downloaded",
        DynamicExec "dynamic-exec",
        DownloadedCodeRun "downloaded-code-run",
    }
    FileOperation "file-operation" {
        DropExecutable "drop-executable",
        SaveDownload "save-download",
        Persistence "persistence",
        Registry "registry",
        ShellProfile "shell-profile",
        Destroy "destroy",
    }
    Package "package" {
        ArchiveLimit "archive-limit",
        UnsafeMember "unsafe-member",
        Binary "binary",
        Bytecode "bytecode",
        Typosquat "typosquat",
        DependencyConfusion "dependency-confusion",
        BorrowedIdentity "borrowed-identity",
        NoSummary "no-summary",
    }
    RemoteControl "remote-control" {
        ReverseShell "reverse-shell",
        ReverseShellLine "reverse-shell-line",
        CommandAndControl "command-and-control",
        ChatBot "chat-bot",
    }
    InformationStealing "information-stealing" {
        HostFingerprint "host-fingerprint",
        ReconCommand "recon-command",
        PublicIp "public-ip",
        Environment "environment",
        SecretVariable "secret-variable",
        CredentialFiles "credential-files",
        BrowserCredentials "browser-credentials",
        DiscordToken "discord-token",
        CryptoWallet "crypto-wallet",
        ClipboardHijack "clipboard-hijack",
        DropEndpoint "exfiltration-endpoint",
        ConfiguredBotEndpoint "configured-bot-endpoint",
        TunnelEndpoint "tunnel-endpoint",
        FileDropEndpoint "file-drop-endpoint",
        IpAddressUrl "ip-address-url",
        SendData "send-data",
        Spyware "spyware",
        SecretSent "secret-sent",
        HostDataSent "host-data-sent",
        DnsExfiltration "dns-exfiltration",
    }
    AntiDetection "anti-detection" {
        PthExec "pth-exec",
        HiddenWhitespace "hidden-whitespace",
        Obfuscator "obfuscator",
        EncodedBlob "encoded-blob",
        ObfuscatedText "obfuscated-text",
        InvisibleUnicode "invisible-unicode",
        HomoglyphNames "homoglyph-names",
        SandboxEscape "sandbox-escape",
        IndirectImport "indirect-import",
        ImagePayload "image-payload",
        DecodedPayload "decoded-payload",
        DecodingBudget "decoding-budget",
        ExternalPayload "external-payload",
        MultiStageRequest "multi-stage-request",
        BehaviourOverlap "behaviour-overlap",
    }
}

impl fmt::Display for Behaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Behaviour {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_back_in_any_case() {
        for id in RuleId::ALL {
            assert_eq!(RuleId::parse(&id.as_str().to_lowercase()), Some(*id));
        }
        assert_eq!(RuleId::parse("XYZ001"), None);
    }

    #[test]
    fn a_behaviour_is_spelled_under_its_category() {
        assert_eq!(
            Behaviour::SaveDownload.as_str(),
            "file-operation/save-download"
        );
        assert_eq!(Behaviour::SaveDownload.category(), Category::FileOperation);
        assert_eq!(Behaviour::SaveDownload.name(), "save-download");
    }
}
