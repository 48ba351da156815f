//! Which Python files are worth parsing. Parsing is most of a scan's cost, and most files of
//! a benign package name nothing any rule looks at. A file is parsed when its text holds a
//! name of an API the rules judge (commands, network, exec and decoding, dynamic import,
//! clipboard and keyboard capture) or a fragment of a rule's text lists (credential paths,
//! exfiltration endpoints, persistence locations...). Anything built to hide a name needs
//! one of the dynamic-access names listed here (`__import__`, `getattr` on `builtins`,
//! `chr(`, a decoder), so the screen is not blinded by string building.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Names whose presence makes a file worth parsing (matched case-insensitively, anywhere).
const NAMES: &[&str] = &[
    // command execution
    "system(",
    "popen",
    "spawn",
    "startfile",
    "subprocess",
    "getoutput",
    "shellexecute",
    "os.exec",
    "execv",
    "execl",
    "import pty",
    "from pty",
    "pty.spawn",
    // code execution, decoding, dynamic access
    "exec(",
    "exec ",
    "'exec'",
    "\"exec\"",
    "eval(",
    "'eval'",
    "\"eval\"",
    "compile(",
    "marshal",
    "pickle",
    "__import__",
    "import_module",
    "builtins",
    "globals()",
    "b64decode",
    "base64",
    "b32decode",
    "b85decode",
    "a85decode",
    "zlib",
    "lzma",
    "bz2",
    "gzip.decompress",
    "codecs",
    "fromhex",
    "unhexlify",
    "fernet",
    "aes.new",
    "crypto.cipher",
    "decrypt",
    "chr(",
    // Hex escapes of letters and `_` (`\x6f\x73` is "os"), not of control bytes or binary data.
    "\\x4",
    "\\x5",
    "\\x6",
    "\\x7",
    "ctypes",
    // network
    "requests.",
    "import requests",
    "from requests",
    "httpx",
    "aiohttp",
    "urllib",
    "urlopen",
    "urlretrieve",
    "socket",
    "smtplib",
    "ftplib",
    "httpconnection",
    "httplib",
    "http.client",
    "pycurl",
    "websocket",
    "wget",
    "poolmanager",
    "dns.resolver",
    "webhook",
    "telegram",
    "discord",
    // files, persistence, spying
    "winreg",
    "rmtree",
    "chmod",
    "pyperclip",
    "clipboard",
    "imagegrab",
    "pynput",
    "keyboard",
    "dup2",
];

static SCREEN: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let patterns: Vec<String> = NAMES
        .iter()
        .map(|n| n.to_string())
        .chain(crate::text::screening_fragments())
        .collect();
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        // A full DFA: several times faster than the default NFA over whole files, and the
        // pattern set is small enough for its memory.
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .expect("screen patterns are valid")
});

/// Where in `source` the screen sees something (sorted byte offsets), in one pass: a file
/// with none is not parsed, and a function of a large file with none is pruned. With `all`
/// false only the first hit is wanted (the file is too small to prune): the search stops there.
pub fn hits(source: &str, all: bool) -> Vec<u32> {
    if !all {
        return match SCREEN.find(source) {
            Some(m) => vec![m.start() as u32],
            None => compatibility_letters(source.as_bytes())
                .into_iter()
                .take(1)
                .collect(),
        };
    }
    let mut at: Vec<u32> = SCREEN.find_iter(source).map(|m| m.start() as u32).collect();
    let letters = compatibility_letters(source.as_bytes());
    if !letters.is_empty() {
        at.extend(letters);
        at.sort_unstable();
    }
    at
}

/// Python reads identifiers in NFKC form: `𝗿𝗲𝙦𝘂𝙚𝘀𝘁𝘀` (mathematical letters) and `ｒｅｑｕｅｓｔｓ`
/// (full-width letters) are `requests`, invisible to a search for the name. Text holding
/// such letters is parsed, which sees through them.
fn compatibility_letters(source: &[u8]) -> Vec<u32> {
    // UTF-8 lead bytes of U+1D400..U+1D7FF and U+FF00..U+FFEF.
    let mut at = Vec::new();
    for lead in [[0xF0, 0x9D], [0xEF, 0xBC], [0xEF, 0xBD]] {
        at.extend(memchr::memmem::find_iter(source, &lead).map(|i| i as u32));
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worth_parsing(source: &str) -> bool {
        !hits(source, false).is_empty()
    }

    fn big(code: &str) -> String {
        format!("{}\n{code}\n", "x = 1\n".repeat(1_000))
    }

    #[test]
    fn names_and_fragments_pass_the_screen() {
        assert!(worth_parsing(&big("import subprocess")));
        assert!(worth_parsing(&big("getattr(__builtins__, 'ex' + 'ec')")));
        assert!(worth_parsing(&big("p = '~/.ssh/id_rsa'")));
        assert!(worth_parsing(&big(
            "u = 'https://discord.com/api/webhooks/1/x'"
        )));
    }

    #[test]
    fn plain_code_is_not_worth_parsing() {
        assert!(!worth_parsing(&big("def add(a, b):\n    return a + b")));
    }
}
