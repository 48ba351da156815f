//! Pruning: blank out the functions of a large module that hold nothing any rule looks at,
//! before parsing. Parsing and walking are most of a scan's cost, and in a benign library
//! most functions name no command, network, exec or decoding API. A pruned function becomes
//! `pass` followed by spaces, so every byte offset, line and column of the code that is kept
//! stays where it was; the facts keep the original source for snippets.

/// Modules smaller than this are parsed whole: pruning would save little.
pub const MIN_PRUNED_BYTES: usize = 16 << 10;

/// A statement that starts a line (not a continuation, not inside brackets or a string).
#[derive(Clone, Copy, Debug)]
struct LineStart {
    offset: usize,
    indent: usize,
}

/// The source with every `def` (with its decorators) holding none of the `hits` (sorted byte
/// offsets of what the screen found) replaced by `pass`, and the byte ranges blanked (so
/// their skeleton can still be read); `None` when nothing was pruned.
pub fn prune_blocks(source: &str, hits: &[u32]) -> Option<(String, Vec<(usize, usize)>)> {
    let mut blocks = Vec::new();
    let worth = |start: usize, end: usize| {
        let first = hits.partition_point(|&h| (h as usize) < start);
        hits.get(first).is_some_and(|&h| (h as usize) < end)
    };
    let starts = statement_starts(source.as_bytes())?;
    let bytes = source.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < starts.len() {
        let start = starts[i];
        let text = &source[start.offset..];
        let is_def =
            text.starts_with("def ") || text.starts_with("async def ") || text.starts_with('@');
        if !is_def {
            i += 1;
            continue;
        }
        // The block runs to the next statement at the same or a lower indentation; a
        // decorator's block takes in the decorators and the definition after it.
        let mut j = i + 1;
        let mut header_done = !text.starts_with('@');
        while j < starts.len() {
            let s = starts[j];
            if s.indent <= start.indent {
                let next = &source[s.offset..];
                if header_done || s.indent < start.indent {
                    break;
                }
                if !next.starts_with('@') {
                    if next.starts_with("def ")
                        || next.starts_with("async def ")
                        || next.starts_with("class ")
                    {
                        header_done = true;
                    } else {
                        break;
                    }
                }
            }
            j += 1;
        }
        let end = starts
            .get(j)
            .map_or(bytes.len(), |s| line_begin(bytes, s.offset));
        // A decorated class stays (its methods are pruned one by one).
        let decorates_class = text.starts_with('@')
            && starts[i..j]
                .iter()
                .any(|s| s.indent == start.indent && source[s.offset..].starts_with("class "));
        if !decorates_class && !worth(start.offset, end) {
            let buf = out.get_or_insert_with(|| bytes.to_vec());
            blank(&mut buf[start.offset..end]);
            blocks.push((start.offset, end));
        }
        i = if decorates_class { i + 1 } else { j };
    }
    // Only spaces and ASCII `pass` were written over whole blocks: still UTF-8.
    out.map(|b| (String::from_utf8(b).expect("blanking keeps UTF-8"), blocks))
}

/// `pass` then spaces; newlines stay, so lines keep their numbers.
fn blank(block: &mut [u8]) {
    let first_line = block
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(block.len());
    for (k, b) in block.iter_mut().enumerate() {
        if *b != b'\n' {
            *b = b' ';
        }
        if k < 4 && k < first_line {
            *b = b"pass"[k];
        }
    }
}

fn line_begin(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1)
}

/// Bytes that matter to [`statement_starts`] outside strings.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let special = b"\n#()[]{}\"'";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

/// Where each logical line's first token is, with its indentation. `None` for text the
/// simple scanner cannot follow (tabs in indentation, unterminated strings): parse it whole.
fn statement_starts(bytes: &[u8]) -> Option<Vec<LineStart>> {
    let mut starts = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let mut at_line_start = true;
    let mut continued = false;
    while i < bytes.len() {
        if at_line_start {
            at_line_start = false;
            let mut indent = 0;
            while i + indent < bytes.len() && bytes[i + indent] == b' ' {
                indent += 1;
            }
            if bytes.get(i + indent) == Some(&b'\t') {
                return None;
            }
            let first = bytes.get(i + indent).copied();
            let blank = matches!(first, None | Some(b'\n' | b'\r' | b'#'));
            if depth == 0 && !continued && !blank {
                starts.push(LineStart {
                    offset: i + indent,
                    indent,
                });
            }
            i += indent;
            continue;
        }
        // Most bytes change nothing: skip them in a tight loop.
        while i < bytes.len() && !SPECIAL[bytes[i] as usize] {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        match bytes[i] {
            b'\n' => {
                at_line_start = true;
                continued = i > 0 && bytes[i - 1] == b'\\'
                    || i > 1 && bytes[i - 1] == b'\r' && bytes[i - 2] == b'\\';
                i += 1;
            }
            b'#' => i += memchr::memchr(b'\n', &bytes[i..]).unwrap_or(bytes.len() - i),
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            q @ (b'"' | b'\'') => {
                let triple = bytes.get(i + 1) == Some(&q) && bytes.get(i + 2) == Some(&q);
                i = skip_string(bytes, i, q, triple)?;
            }
            _ => i += 1,
        }
    }
    Some(starts)
}

/// The offset just past the string opening at `i`.
fn skip_string(bytes: &[u8], i: usize, q: u8, triple: bool) -> Option<usize> {
    let mut k = i + if triple { 3 } else { 1 };
    loop {
        let off = memchr::memchr3(q, b'\\', b'\n', bytes.get(k..)?)?;
        k += off;
        match bytes[k] {
            b'\\' => k += 2,
            b'\n' if !triple => return Some(k), // unterminated single-line string: stop here
            b'\n' => k += 1,
            _ if !triple => return Some(k + 1),
            _ if bytes.get(k + 1) == Some(&q) && bytes.get(k + 2) == Some(&q) => {
                return Some(k + 3);
            }
            _ => k += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decorated_function_ends_at_the_next_definition() {
        let src = "@d\ndef a():\n    return 1\n\ndef b():\n    system()\n";
        let out = prune(src, &hits_of(src, "system")).unwrap();
        assert!(out.contains("def b():\n    system()"), "{out}");
        assert!(!out.contains("return 1"));
    }

    fn prune(source: &str, hits: &[u32]) -> Option<String> {
        prune_blocks(source, hits).map(|(text, _)| text)
    }

    fn hits_of(src: &str, word: &str) -> Vec<u32> {
        src.match_indices(word).map(|(i, _)| i as u32).collect()
    }

    #[test]
    fn prunes_plain_functions_and_keeps_offsets() {
        let src = "import os\n\ndef a(x):\n    return x + 1\n\n@deco\ndef b():\n    os.system('id')\n\nclass C:\n    def m(self):\n        '''doc\n        def not_a_def(): system\n        '''\n        return 2\n\n    def n(self):\n        return os.system('x')\n";
        let out = prune(src, &hits_of(src, "system")).expect("something pruned");
        assert_eq!(out.len(), src.len());
        assert_eq!(out.lines().count(), src.lines().count());
        assert!(out.contains("pass"));
        assert!(!out.contains("return x + 1"));
        assert!(out.contains("os.system('id')"));
        assert!(out.contains("return os.system('x')"));
        // m holds "system" only in its docstring, which is its own text: it is kept.
        assert!(out.contains("def m(self)"));
    }

    #[test]
    fn pruned_source_still_parses() {
        let src = "class C:\n    def a(self):\n        return 1\n\n    @property\n    def b(self):\n        return [\n            1,\n        ]\n\ndef f():\n    x = (\n        1)\n    return x\n";
        let out = prune(src, &[]).expect("pruned");
        let parsed =
            ruff_python_parser::parse_unchecked_source(&out, ruff_python_ast::PySourceType::Python);
        assert!(parsed.errors().is_empty(), "{out}\n{:?}", parsed.errors());
    }

    #[test]
    fn tabs_and_broken_strings_are_left_whole() {
        assert!(prune("def f():\n\treturn 1\n", &[]).is_none());
        assert!(prune("def f():\n    return '''open\n", &[]).is_none());
    }
}
