//! The analyzer's value flow: the [`Taint`] of an expression, the shape of an address or
//! path as far as the code writes it, and the flows, returns and passes a file records.
//! Which calls read what ([`source_of`]) and which calls send where ([`sink_of`]) are facts
//! about the libraries; which flows matter is left to the rules.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use crate::analyzer::Analyzer;
use crate::facts::Const;
use crate::flow::{Atom, Destination, Flow, Pass, PassedAs, Return, SinkKind, Source, Taint};

/// How deep the walk over one expression goes.
const MAX_DEPTH: u32 = 40;
/// Longest shape of an address kept.
const MAX_SHAPE: usize = 300;
/// Caps on flow facts per file.
const MAX_FLOW_FACTS: usize = 20_000;
/// The mark of a part of a text the code does not write.
pub const HOLE: &str = "{…}";

/// Where a sink's destination is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DestinationArg {
    /// The `url` keyword, else the positional argument at this index.
    Url(usize),
    /// Set where the receiver was made (`socket.connect`, `HTTPSConnection(host)`).
    Receiver,
    /// The sink's data is its destination (a host name looked up, a command line).
    Whole,
    /// No destination: code run in place.
    None,
}

/// Environment variables that name the user or the host rather than a secret.
fn identity_variable(name: &str) -> bool {
    matches!(
        name.to_ascii_uppercase().as_str(),
        "USER"
            | "USERNAME"
            | "LOGNAME"
            | "COMPUTERNAME"
            | "HOSTNAME"
            | "USERDOMAIN"
            | "HOME"
            | "USERPROFILE"
            | "PWD"
    )
}

/// Calls that read facts about the host: user, host name, addresses, platform, working
/// folder. STL001 judges these calls where they are written.
pub fn is_fingerprint(name: &str) -> bool {
    matches!(
        name,
        "getpass.getuser"
            | "os.getlogin"
            | "socket.gethostname"
            | "platform.node"
            | "platform.uname"
            | "os.uname"
            | "uuid.getnode"
            | "platform.platform"
            | "platform.system"
            | "socket.getfqdn"
            | "os.getcwd"
            | "pwd.getpwuid"
            | "platform.version"
            | "platform.release"
            | "psutil.users"
            | "getmac.get_mac_address"
            | "netifaces.interfaces"
    )
}

/// Calls whose result says who and where the host is: the fingerprint calls, and reads
/// too common to judge where written (the home folder, the machine type) that still say
/// who the host is once sent.
fn is_host_identity(name: &str) -> bool {
    is_fingerprint(name)
        || matches!(
            name,
            "platform.machine"
                | "platform.processor"
                | "os.getcwdb"
                | "netifaces.ifaddresses"
                | "os.getuid"
                | "pathlib.Path.home"
                | "pathlib.Path.cwd"
                | "os.path.expanduser"
                | "socket.if_nameindex"
        )
}

/// Calls whose first argument is the path of a file they open.
pub(crate) fn is_file_open(name: &str) -> bool {
    matches!(
        name,
        "builtins.open" | "io.open" | "codecs.open" | "pathlib.Path.open"
    )
}

/// Where a file-opening call takes its mode: `open(path, mode)`, `Path(p).open(mode)`.
pub(crate) fn mode_position(name: &str) -> usize {
    if name == "pathlib.Path.open" { 0 } else { 1 }
}

/// Which argument of a call names a place the call reads, writes or fetches, as the
/// positional index and the keyword: the file an `open` opens, where a download is saved,
/// the address a download or a send goes to.
pub(crate) fn place_argument(name: &str) -> Option<(usize, &'static str)> {
    // A `Path(p).open()` opens its receiver.
    if is_file_open(name) && name != "pathlib.Path.open" {
        return Some((0, "file"));
    }
    if let Some(saved) = download_destination(name) {
        return Some(saved);
    }
    match sink_of(name) {
        Some((SinkKind::Network, DestinationArg::Url(at))) => Some((at, "url")),
        _ => None,
    }
}

/// Where a call that downloads to a file saves it: the positional index and the keyword.
pub(crate) fn download_destination(name: &str) -> Option<(usize, &'static str)> {
    match name {
        "urllib.request.urlretrieve" | "urllib.urlretrieve" => Some((1, "filename")),
        "wget.download" => Some((1, "out")),
        _ => None,
    }
}

/// Services whose whole answer is the caller's public address.
fn is_public_address_service(url: &str) -> bool {
    [
        "ipify.org",
        "ipinfo.io",
        "ifconfig.me",
        "icanhazip",
        "checkip.",
        "ip-api.com",
        "ident.me",
        "myip",
        "ipapi.co",
        "wtfismyip",
    ]
    .iter()
    .any(|s| url.contains(s))
}

fn last(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Calls that return the output of a command.
fn is_command_output(name: &str) -> bool {
    matches!(
        name,
        "subprocess.check_output"
            | "subprocess.getoutput"
            | "subprocess.getstatusoutput"
            | "commands.getoutput"
            | "commands.getstatusoutput"
            | "os.popen"
            | "subprocess.run"
            | "subprocess.Popen"
            | "asyncio.create_subprocess_shell"
            | "asyncio.create_subprocess_exec"
    )
}

fn is_command_sink(name: &str) -> bool {
    is_command_output(name)
        || matches!(
            name,
            "os.system"
                | "subprocess.call"
                | "subprocess.check_call"
                | "os.startfile"
                | "pty.spawn"
        )
        || (name.starts_with("os.exec") && name.len() <= 10)
        || (name.starts_with("os.spawn") && name.len() <= 11)
}

/// What a call of a library reads, if it is a read.
fn library_source(name: &str) -> Option<Source> {
    if is_host_identity(name) {
        return Some(Source::HostIdentity(name.to_string()));
    }
    Some(match name {
        "os.walk"
        | "os.listdir"
        | "os.scandir"
        | "glob.glob"
        | "glob.iglob"
        | "pathlib.Path.rglob"
        | "pathlib.Path.glob"
        | "pathlib.Path.iterdir" => Source::FileSearch(String::new()),
        "inspect.stack"
        | "inspect.currentframe"
        | "inspect.getouterframes"
        | "inspect.getsource"
        | "inspect.getsourcefile"
        | "inspect.getsourcelines"
        | "inspect.getmodule"
        | "sys._getframe"
        | "traceback.extract_stack" => Source::CallerSource(name.to_string()),
        "builtins.input" | "getpass.getpass" | "builtins.raw_input" => Source::Prompt,
        "pyperclip.paste"
        | "win32clipboard.GetClipboardData"
        | "PIL.ImageGrab.grab"
        | "ImageGrab.grab"
        | "pyautogui.screenshot"
        | "mss.mss.grab"
        | "mss.mss.shot"
        | "cv2.VideoCapture"
        | "sounddevice.rec"
        | "keyboard.record"
        | "keyboard.read_key"
        | "keyboard.read_event"
        | "keyboard.read_hotkey"
        | "pyscreenshot.grab" => Source::Surveillance(name.to_string()),
        "argparse.ArgumentParser.parse_args" | "argparse.ArgumentParser.parse_known_args" => {
            Source::CommandLine
        }
        _ => return None,
    })
}

/// A call that sends or runs, with where its destination is written.
fn sink_of(name: &str) -> Option<(SinkKind, DestinationArg)> {
    let head = name.split('.').next().unwrap_or(name);
    let method = last(name);
    // `requests.post`, `requests.Session.post`; not a method of what they return
    // (`requests.post(...).json().get("k")`).
    let parts = name.split('.').count();
    let client = parts == 2
        || (parts == 3
            && matches!(
                name.split('.').nth(1),
                Some(
                    "Session"
                        | "session"
                        | "Client"
                        | "AsyncClient"
                        | "ClientSession"
                        | "PoolManager"
                        | "api"
                )
            ));
    let http = client
        && matches!(
            head,
            "requests" | "httpx" | "aiohttp" | "urllib3" | "niquests"
        )
        && matches!(
            method,
            "get"
                | "post"
                | "put"
                | "patch"
                | "delete"
                | "head"
                | "options"
                | "request"
                | "urlopen"
                | "stream"
        );
    if http {
        // `requests.request(method, url)`, `PoolManager().request(method, url)`.
        let at = if matches!(method, "request" | "urlopen" | "stream") {
            1
        } else {
            0
        };
        return Some((SinkKind::Network, DestinationArg::Url(at)));
    }
    Some(match name {
        "urllib.request.urlopen"
        | "urllib.request.Request"
        | "urllib2.urlopen"
        | "urllib2.Request"
        | "urllib.urlopen"
        | "urllib.request.urlretrieve"
        | "urllib.urlretrieve"
        | "webbrowser.open"
        | "webbrowser.open_new"
        | "webbrowser.open_new_tab"
        | "discord_webhook.DiscordWebhook"
        | "dhooks.Webhook"
        | "websocket.create_connection"
        | "websockets.connect" => (SinkKind::Network, DestinationArg::Url(0)),
        "socket.socket.sendto" => (SinkKind::Network, DestinationArg::Url(1)),
        "socket.socket.send"
        | "socket.socket.sendall"
        | "http.client.HTTPConnection.request"
        | "http.client.HTTPSConnection.request"
        | "httplib.HTTPConnection.request"
        | "httplib.HTTPSConnection.request"
        | "smtplib.SMTP.sendmail"
        | "smtplib.SMTP.send_message"
        | "smtplib.SMTP_SSL.sendmail"
        | "smtplib.SMTP_SSL.send_message"
        | "ftplib.FTP.storbinary"
        | "ftplib.FTP.storlines"
        | "websocket.create_connection.send"
        | "socket.create_connection.send"
        | "socket.create_connection.sendall"
        | "websockets.connect.send"
        | "websockets.client.connect.send"
        | "websocket.WebSocket.send"
        | "telebot.TeleBot.send_message"
        | "telebot.TeleBot.send_document"
        | "telegram.Bot.send_message"
        | "telegram.Bot.send_document" => (SinkKind::Network, DestinationArg::Receiver),
        "socket.gethostbyname"
        | "socket.gethostbyname_ex"
        | "socket.getaddrinfo"
        | "dns.resolver.resolve"
        | "dns.resolver.query"
        | "dns.resolver.Resolver.resolve"
        | "dns.resolver.Resolver.query" => (SinkKind::Dns, DestinationArg::Whole),
        "builtins.exec" | "builtins.eval" | "builtins.compile" | "marshal.loads"
        | "pickle.loads" | "builtins.execfile" => (SinkKind::Exec, DestinationArg::None),
        n if is_command_sink(n) => (SinkKind::Command, DestinationArg::Whole),
        _ => return None,
    })
}

/// Calls whose result carries nothing of their arguments' content.
fn carries_nothing(name: &str) -> bool {
    matches!(
        name,
        "builtins.len"
            | "builtins.isinstance"
            | "builtins.issubclass"
            | "builtins.hasattr"
            | "builtins.callable"
            | "builtins.bool"
            | "builtins.type"
            | "builtins.id"
            | "builtins.print"
            | "os.path.exists"
            | "os.path.isfile"
            | "os.path.isdir"
            | "os.path.islink"
            | "os.path.getsize"
            | "os.path.getmtime"
            | "os.access"
            | "time.sleep"
    ) || matches!(
        last(name),
        "startswith"
            | "endswith"
            | "isdigit"
            | "isalpha"
            | "isalnum"
            | "exists"
            | "is_file"
            | "is_dir"
            | "count"
            | "find"
            | "index"
            | "close"
            | "wait"
            | "join_thread"
            | "raise_for_status"
            | "status_code"
    ) || name.starts_with("logging.")
}

/// A conversion or encoding worth naming in a flow's steps.
fn transformation(name: &str) -> Option<&str> {
    let m = last(name);
    matches!(
        m,
        "b64encode"
            | "b32encode"
            | "b16encode"
            | "b85encode"
            | "urlsafe_b64encode"
            | "encodebytes"
            | "hexlify"
            | "dumps"
            | "compress"
            | "encrypt"
            | "urlencode"
            | "quote"
            | "quote_plus"
            | "encode"
    )
    .then_some(name)
}

/// A call of code the file may hold or import from the package, whose return the program
/// model can look up: a bare name, a method of `self`/`cls`, a relative import.
fn package_callee(func: &Expr, name: &str) -> bool {
    if name.starts_with("builtins.") {
        return false;
    }
    match func {
        Expr::Name(n) => !is_builtin_name(n.id.as_str()),
        Expr::Attribute(a) => {
            name.starts_with('.')
                || matches!(a.value.as_ref(), Expr::Name(n) if matches!(n.id.as_str(), "self" | "cls"))
        }
        _ => false,
    }
}

/// Builtins the file's scope does not resolve (it resolves only those detection needs).
fn is_builtin_name(name: &str) -> bool {
    matches!(
        name,
        "enumerate"
            | "zip"
            | "map"
            | "filter"
            | "sorted"
            | "reversed"
            | "list"
            | "dict"
            | "set"
            | "frozenset"
            | "tuple"
            | "str"
            | "bytes"
            | "bytearray"
            | "int"
            | "float"
            | "range"
            | "len"
            | "print"
            | "min"
            | "max"
            | "sum"
            | "any"
            | "all"
            | "iter"
            | "next"
            | "repr"
            | "format"
            | "hex"
            | "ord"
            | "chr"
            | "abs"
            | "round"
            | "open"
            | "super"
            | "getattr"
            | "isinstance"
            | "type"
            | "object"
            | "vars"
            | "dir"
            | "id"
            | "hash"
            | "bool"
            | "Exception"
            | "ValueError"
            | "RuntimeError"
            | "TypeError"
            | "KeyError"
            | "OSError"
            | "memoryview"
            | "divmod"
            | "pow"
            | "issubclass"
    )
}

fn is_self(expr: &Expr) -> bool {
    matches!(expr, Expr::Name(n) if matches!(n.id.as_str(), "self" | "cls"))
}

/// The key under which `self.x` is bound in the file's flat scope.
pub(crate) fn attribute_key(a: &ast::ExprAttribute) -> Option<String> {
    is_self(&a.value).then(|| format!("self.{}", a.attr.as_str()))
}

/// The name a value is remembered under between statements: a variable, or an attribute
/// of `self` (what a call's receiver, a handle or a container is known as).
pub(crate) fn value_key(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(inner) => attribute_key(inner),
        _ => None,
    }
}

fn cap(mut s: String) -> String {
    if s.len() > MAX_SHAPE {
        let mut end = MAX_SHAPE;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

impl Analyzer {
    fn line_of(&self, node: &impl Ranged) -> u32 {
        self.facts
            .span_near(
                node.range().start().to_u32(),
                node.range().start().to_u32(),
                &self.line_hint,
            )
            .line
    }

    /// What an expression's value is made of.
    pub(crate) fn taint_of(&self, expr: &Expr) -> Taint {
        let mut out = Taint::default();
        self.taint_into(expr, &mut out, 0);
        out
    }

    fn taint_into(&self, expr: &Expr, out: &mut Taint, depth: u32) {
        if depth > MAX_DEPTH || out.atoms.len() >= crate::flow::MAX_ATOMS {
            return;
        }
        let d = depth + 1;
        match expr {
            Expr::Name(n) => {
                if let Some(t) = self
                    .scope
                    .get(n.id.as_str())
                    .and_then(|b| b.taint.as_deref())
                {
                    out.merge(t);
                }
            }
            Expr::Attribute(a) => {
                if let Some(key) = attribute_key(a) {
                    if let Some(t) = self.scope.get(&key).and_then(|b| b.taint.as_deref()) {
                        out.merge(t);
                    }
                    return;
                }
                match self.qualify(expr).as_deref() {
                    Some("os.environ") => out.add(Atom {
                        source: Source::Environment,
                        line: self.line_of(a),
                    }),
                    Some("sys.argv") => out.add(Atom {
                        source: Source::CommandLine,
                        line: self.line_of(a),
                    }),
                    Some(q)
                        if q.starts_with("__main__.")
                            || (q.starts_with("IPython.") && q.contains("hist")) =>
                    {
                        out.add(Atom {
                            source: Source::CallerSource(q.to_string()),
                            line: self.line_of(a),
                        })
                    }
                    _ => self.taint_into(&a.value, out, d),
                }
            }
            Expr::Subscript(s) => {
                let base = self.qualify(&s.value);
                match base.as_deref() {
                    Some("os.environ") => {
                        let key = self.fold(&s.slice).and_then(|k| k.text());
                        out.add(Atom {
                            source: env_source(key),
                            line: self.line_of(s),
                        });
                    }
                    Some("sys.modules") if matches!(self.fold(&s.slice), Some(Const::Str(ref m)) if m == "__main__") => {
                        out.add(Atom {
                            source: Source::CallerSource("sys.modules[\"__main__\"]".into()),
                            line: self.line_of(s),
                        })
                    }
                    _ => self.taint_into(&s.value, out, d),
                }
            }
            Expr::Call(c) => self.call_taint(c, out, d),
            Expr::BinOp(b) => {
                self.taint_into(&b.left, out, d);
                self.taint_into(&b.right, out, d);
            }
            Expr::BoolOp(b) => {
                for v in &b.values {
                    self.taint_into(v, out, d);
                }
            }
            Expr::If(i) => {
                self.taint_into(&i.body, out, d);
                self.taint_into(&i.orelse, out, d);
            }
            Expr::Named(n) => self.taint_into(&n.value, out, d),
            Expr::FString(f) => {
                for part in f.value.iter() {
                    if let ast::FStringPart::FString(fs) = part {
                        for el in fs.elements.iter() {
                            if let ast::InterpolatedStringElement::Interpolation(i) = el {
                                self.taint_into(&i.expression, out, d);
                            }
                        }
                    }
                }
            }
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                for e in elts.iter().take(64) {
                    self.taint_into(e, out, d);
                }
            }
            Expr::Dict(dict) => {
                for item in dict.items.iter().take(64) {
                    if let Some(k) = &item.key {
                        self.taint_into(k, out, d);
                    }
                    self.taint_into(&item.value, out, d);
                }
            }
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => {
                self.taint_into(elt, out, d);
                for g in generators {
                    self.taint_into(&g.iter, out, d);
                }
            }
            Expr::DictComp(c) => {
                if let Some(k) = c.key.as_deref() {
                    self.taint_into(k, out, d);
                }
                self.taint_into(&c.value, out, d);
                for g in &c.generators {
                    self.taint_into(&g.iter, out, d);
                }
            }
            Expr::Starred(s) => self.taint_into(&s.value, out, d),
            Expr::Await(a) => self.taint_into(&a.value, out, d),
            _ => {}
        }
    }

    fn call_taint(&self, c: &ast::ExprCall, out: &mut Taint, d: u32) {
        let name = self.name_of(&c.func);
        if let Some(source) = self.source_of(&name, c) {
            out.add(Atom {
                source,
                line: self.line_of(c),
            });
            return;
        }
        if carries_nothing(&name) {
            return;
        }
        let before = out.atoms.len();
        if let Expr::Attribute(a) = c.func.as_ref() {
            if !is_self(&a.value) {
                self.taint_into(&a.value, out, d);
            }
        }
        for a in c.arguments.args.iter().take(32) {
            self.taint_into(a, out, d);
        }
        for k in c.arguments.keywords.iter().take(32) {
            self.taint_into(&k.value, out, d);
        }
        if out.atoms.len() > before {
            if let Some(t) = transformation(&name) {
                out.note(t);
            }
        }
        if package_callee(&c.func, &name) {
            out.add(Atom {
                source: Source::Returned(name),
                line: self.line_of(c),
            });
        }
    }

    /// What reading the file at `path` is when the path itself was found or given: a file
    /// found by walking, the caller's own source file, or the file a parameter names.
    fn file_named_by(&self, path: &Expr) -> Option<Source> {
        let atoms = self.taint_of(path).atoms;
        let found = atoms.iter().find_map(|a| match &a.source {
            Source::CallerSource(_) => Some(a.source.clone()),
            Source::FileSearch(under) => Some(Source::FoundFile(under.clone())),
            _ => None,
        });
        found.or_else(|| {
            atoms.into_iter().find_map(|a| match a.source {
                Source::Parameter(p) => Some(Source::ParameterFile(p)),
                _ => None,
            })
        })
    }

    /// What a call reads, when its result is data from somewhere.
    fn source_of(&self, name: &str, c: &ast::ExprCall) -> Option<Source> {
        let arg0 = c.arguments.args.first();
        let shape0 = || {
            c.arguments
                .find_keyword("url")
                .map(|k| &k.value)
                .or(arg0)
                .and_then(|a| self.shape(a))
                .unwrap_or_default()
        };
        match name {
            "os.environ.get" | "os.getenv" | "os.environ.__getitem__" | "os.environ.pop" => {
                let key = arg0.and_then(|a| self.fold(a)).and_then(|k| k.text());
                return Some(env_source(key));
            }
            _ if is_file_open(name) => {
                let mode = c
                    .arguments
                    .args
                    .get(mode_position(name))
                    .or(c.arguments.find_keyword("mode").map(|k| &k.value))
                    .and_then(|m| self.fold(m))
                    .and_then(|m| m.text())
                    .unwrap_or_default();
                if mode.contains(['w', 'a', 'x']) {
                    return None;
                }
                // A file the code found (by walking, or the caller's own source file) is
                // what its path was found as.
                if let Some(path) = arg0 {
                    if let Some(read) = self.file_named_by(path) {
                        return Some(read);
                    }
                }
                return Some(Source::FileContent(shape0()));
            }
            "pathlib.Path.read_text" | "pathlib.Path.read_bytes" => {
                let Expr::Attribute(a) = c.func.as_ref() else {
                    return Some(Source::FileContent(String::new()));
                };
                if let Some(read) = self.file_named_by(&a.value) {
                    return Some(read);
                }
                return Some(Source::FileContent(
                    self.shape(&a.value).unwrap_or_default(),
                ));
            }
            _ => {}
        }
        if is_command_output(name) {
            return Some(Source::CommandOutput(shape0()));
        }
        // What a socket receives comes from where it was connected, when that is written
        // here (a local helper process on `localhost` is not a server far away).
        if matches!(
            name,
            "socket.socket.recv" | "socket.socket.recvfrom" | "socket.socket.makefile"
        ) {
            let peer = self.receiver_destination(c);
            return Some(Source::NetworkResponse(match peer.text {
                Some(t) if peer.literal => t,
                _ => "socket".into(),
            }));
        }
        if let Some(Source::FileSearch(_)) = library_source(name) {
            return Some(Source::FileSearch(shape0()));
        }
        if let Some(s) = library_source(name) {
            return Some(s);
        }
        if matches!(
            sink_of(name),
            Some((SinkKind::Network, DestinationArg::Url(_)))
        ) {
            let url = shape0();
            if is_public_address_service(&url) {
                return Some(Source::HostIdentity("public address".into()));
            }
            return Some(Source::NetworkResponse(url));
        }
        if crate::fold::is_decoding_call(name) && arg0.is_some_and(|a| self.fold(a).is_some()) {
            return Some(Source::DecodedLiteral);
        }
        None
    }

    /// A text as far as the code writes it: constants as they are, the parts it does not
    /// write as [`HOLE`]; paths joined with `/`. `None` when nothing of it is written.
    pub(crate) fn shape(&self, expr: &Expr) -> Option<String> {
        self.shape_at(expr, 0).map(cap)
    }

    fn shape_at(&self, expr: &Expr, depth: u32) -> Option<String> {
        if depth > 24 {
            return None;
        }
        let d = depth + 1;
        if let Some(v) = self.fold(expr) {
            return v.text();
        }
        let or_hole = |e: &Expr| Some(self.shape_at(e, d).unwrap_or_else(|| HOLE.to_string()));
        match expr {
            Expr::Name(n) => self
                .scope
                .get(n.id.as_str())
                .and_then(|b| b.shape.as_deref().map(str::to_string)),
            Expr::Attribute(a) => {
                let key = attribute_key(a)?;
                let b = self.scope.get(&key)?;
                b.value
                    .as_ref()
                    .and_then(Const::text)
                    .or_else(|| b.shape.as_deref().map(str::to_string))
            }
            Expr::FString(f) => crate::fold::fstring_text(f, |e| or_hole(e)),
            Expr::BinOp(b) => {
                let (l, r) = (or_hole(&b.left)?, or_hole(&b.right)?);
                if l == HOLE && r == HOLE {
                    return None;
                }
                Some(match b.op {
                    ast::Operator::Add => format!("{l}{r}"),
                    ast::Operator::Div => format!("{l}/{r}"),
                    ast::Operator::Mod => l,
                    _ => return None,
                })
            }
            Expr::Call(c) => {
                let name = self.name_of(&c.func);
                let args = &c.arguments.args;
                match last(&name) {
                    "join"
                        if name.starts_with("os.path")
                            || name.starts_with("posixpath")
                            || name.starts_with("ntpath") =>
                    {
                        let parts: Vec<String> =
                            args.iter().take(16).filter_map(|a| or_hole(a)).collect();
                        (!parts.iter().all(|p| p == HOLE)).then(|| parts.join("/"))
                    }
                    "joinpath" => {
                        let Expr::Attribute(a) = c.func.as_ref() else {
                            return None;
                        };
                        let mut parts = vec![or_hole(&a.value)?];
                        parts.extend(args.iter().take(16).filter_map(|a| or_hole(a)));
                        (!parts.iter().all(|p| p == HOLE)).then(|| parts.join("/"))
                    }
                    "expanduser" | "expandvars" | "abspath" | "normpath" | "realpath" | "Path"
                    | "PurePath" | "str" | "resolve" | "fspath" => {
                        args.first().and_then(|a| self.shape_at(a, d))
                    }
                    "home" => Some("~".into()),
                    "getenv" | "get" if name.starts_with("os.") => {
                        let key = args
                            .first()
                            .and_then(|a| self.fold(a))
                            .and_then(|k| k.text())?;
                        Some(format!("%{key}%"))
                    }
                    "format" => match c.func.as_ref() {
                        Expr::Attribute(a) => self.fold(&a.value).and_then(|v| v.text()),
                        _ => None,
                    },
                    // A request object points where its URL does.
                    "Request" if name.starts_with("urllib") => c
                        .arguments
                        .find_keyword("url")
                        .map(|k| &k.value)
                        .or(args.first())
                        .and_then(|a| self.shape_at(a, d)),
                    // An address record (`Address(host="10.0.0.5", port=80)`, a
                    // namedtuple): its host is where it points.
                    _ => c
                        .arguments
                        .keywords
                        .iter()
                        .find(|k| {
                            k.arg.as_ref().is_some_and(|a| {
                                matches!(a.as_str(), "host" | "hostname" | "address" | "addr")
                            })
                        })
                        .and_then(|k| self.shape_at(&k.value, d)),
                }
            }
            Expr::Subscript(s) if self.qualify(&s.value).as_deref() == Some("os.environ") => {
                let key = self.fold(&s.slice).and_then(|k| k.text())?;
                Some(format!("%{key}%"))
            }
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                let parts: Vec<String> = elts.iter().take(32).filter_map(|e| or_hole(e)).collect();
                (!parts.iter().all(|p| p == HOLE)).then(|| parts.join(" "))
            }
            _ => None,
        }
    }

    /// Where the destination of a sink is written and who chose it.
    fn destination(&self, expr: &Expr) -> Destination {
        let text = self.shape(expr);
        let literal = text.as_deref().is_some_and(written_host);
        let chosen_by = if literal {
            Vec::new()
        } else {
            self.taint_of(expr).atoms
        };
        Destination {
            text,
            literal,
            chosen_by,
        }
    }

    /// Record what a call does with data: a flow when it is a sink, a pass when it hands
    /// data to code the file cannot see into, and data added to a container it mutates.
    pub(crate) fn note_flow(&mut self, name: &str, call: &ast::ExprCall) {
        if self.facts.flows.len() + self.facts.passes.len() >= MAX_FLOW_FACTS {
            return;
        }
        self.note_container_update(call);
        self.note_written_into(name, call);
        if name == "pycurl.Curl.setopt" {
            self.note_curl_option(name, call);
        } else if matches!(
            name,
            "subprocess.Popen.communicate" | "subprocess.Popen.stdin.write"
        ) {
            self.note_stdin_write(name, call);
        } else if let Some((sink, at)) = sink_of(name) {
            self.note_sink(sink, at, name, call);
        } else if let Some((sink, data)) = self.started_sink(name, call) {
            let data = self.taint_of(data);
            self.push_flow(sink, name, call, data, Destination::default());
        } else if package_callee(&call.func, name) {
            let mut args = Vec::new();
            let mut written = Vec::new();
            let mut paths = Vec::new();
            let mut note = |this: &Self, at: PassedAs, e: &Expr| {
                let t = this.taint_of(e);
                let shape = this.shape(e);
                // Only what could name a file: a value read at run time, or a written path.
                let read_at_run_time = !t.is_empty();
                let path_like = |p: &str| {
                    p != HOLE
                        && (read_at_run_time || p.contains(['/', '\\', '~']) || p.starts_with('.'))
                };
                if let Some(text) = shape.as_ref().filter(|t| path_like(t)) {
                    paths.push((at.clone(), text.clone()));
                }
                if !t.is_empty() {
                    args.push((at, t));
                } else if let Some(text) = shape.filter(|t| t.contains("://")) {
                    written.push((at, text));
                }
            };
            for (i, a) in call.arguments.args.iter().enumerate().take(32) {
                note(self, PassedAs::Position(i as u32), a);
            }
            for k in call.arguments.keywords.iter().take(32) {
                let Some(key) = &k.arg else { continue };
                note(self, PassedAs::Keyword(key.to_string()), &k.value);
            }
            if !args.is_empty() || !written.is_empty() || !paths.is_empty() {
                let span = self.span_of(call);
                self.facts.passes.push(Pass {
                    callee: name.to_string(),
                    span,
                    args,
                    written,
                    paths,
                });
            }
        }
    }

    /// `Thread(target=exec, args=(code,))`: a sink started by a library with the data as
    /// its argument.
    fn started_sink<'e>(
        &self,
        name: &str,
        call: &'e ast::ExprCall,
    ) -> Option<(SinkKind, &'e Expr)> {
        if !crate::edges::start_api(name) {
            return None;
        }
        let target = call.arguments.find_keyword("target")?;
        let (sink, _) = sink_of(&self.name_of(&target.value))?;
        let args = call.arguments.find_keyword("args")?;
        Some((sink, &args.value))
    }

    fn note_sink(&mut self, sink: SinkKind, at: DestinationArg, name: &str, call: &ast::ExprCall) {
        let args = &call.arguments.args;
        let dest_expr = match at {
            DestinationArg::Url(i) => call
                .arguments
                .find_keyword("url")
                .map(|k| &k.value)
                .or_else(|| args.get(i)),
            DestinationArg::Whole => args.first(),
            DestinationArg::Receiver | DestinationArg::None => None,
        };
        // Where a download is saved is not sent (`urlretrieve(url, ~/x)`).
        let saved_to = download_destination(name);
        let mut data = Taint::default();
        for (i, a) in args.iter().enumerate().take(32) {
            if matches!(at, DestinationArg::Url(j) if j == i)
                || saved_to.is_some_and(|(j, _)| j == i)
            {
                continue;
            }
            self.taint_into(a, &mut data, 0);
        }
        for k in call.arguments.keywords.iter().take(32) {
            let keyword = k.arg.as_ref().map(|a| a.as_str());
            if at != DestinationArg::Whole && keyword == Some("url")
                || keyword.is_some_and(|kw| saved_to.is_some_and(|(_, s)| s == kw))
            {
                continue;
            }
            self.taint_into(&k.value, &mut data, 0);
        }
        let destination = match (at, dest_expr) {
            (DestinationArg::Receiver, _) => self.receiver_destination(call),
            (DestinationArg::None, _) | (_, None) => Destination::default(),
            (DestinationArg::Whole, Some(e)) => {
                // A host name or command line built from data: what is written of it (a
                // domain after the data, the program run) is the package's choice.
                let text = self.shape(e);
                let literal = text.as_deref().is_some_and(|t| {
                    t.split(HOLE)
                        .any(|part| part.chars().any(|c| c.is_ascii_alphabetic()))
                });
                Destination {
                    text,
                    literal,
                    chosen_by: Vec::new(),
                }
            }
            (_, Some(e)) => self.destination(e),
        };
        // Data carried in a written address (`http://host/?d={data}`) is sent with it.
        if let (DestinationArg::Url(_), Some(e), true) = (at, dest_expr, destination.literal) {
            self.taint_into(e, &mut data, 0);
        }
        // `subprocess.run(["bash"], input=script)`: what a shell or interpreter reads on its
        // standard input is code it runs.
        if sink == SinkKind::Command {
            let program = destination.text.as_deref().unwrap_or_default();
            if let Some(input) = call.arguments.find_keyword("input") {
                if reads_code_on_stdin(program) {
                    let code = self.taint_of(&input.value);
                    self.push_flow(SinkKind::Exec, name, call, code, Destination::default());
                }
            }
        }
        self.push_flow(sink, name, call, data, destination);
    }

    /// `p.communicate(code)`, `p.stdin.write(code)` where `p = Popen(["bash"], stdin=PIPE)`:
    /// what a shell or interpreter reads on its standard input is code it runs.
    fn note_stdin_write(&mut self, name: &str, call: &ast::ExprCall) {
        let Expr::Attribute(a) = call.func.as_ref() else {
            return;
        };
        let process = match a.value.as_ref() {
            Expr::Attribute(stdin) if stdin.attr.as_str() == "stdin" => stdin.value.as_ref(),
            e => e,
        };
        let Some(key) = value_key(process) else {
            return;
        };
        let program = self
            .endpoints
            .get(&key)
            .and_then(|d| d.text.clone())
            .unwrap_or_default();
        if !reads_code_on_stdin(&program) {
            return;
        }
        let Some(code) = call
            .arguments
            .args
            .first()
            .or(call.arguments.find_keyword("input").map(|k| &k.value))
        else {
            return;
        };
        let code = self.taint_of(code);
        self.push_flow(SinkKind::Exec, name, call, code, Destination::default());
    }

    /// `c.setopt(pycurl.URL, url)` says where a curl handle goes; `c.setopt(pycurl.POSTFIELDS,
    /// data)` (or another option that carries a body, a header or a login) what it sends.
    fn note_curl_option(&mut self, name: &str, call: &ast::ExprCall) {
        let args = &call.arguments.args;
        let (Some(option), Some(value)) = (args.first(), args.get(1)) else {
            return;
        };
        let option = self.qualify(option).unwrap_or_default();
        match last(&option) {
            "URL" => {
                let Expr::Attribute(a) = call.func.as_ref() else {
                    return;
                };
                let Some(key) = value_key(a.value.as_ref()) else {
                    return;
                };
                if self.endpoints.len() < 10_000 {
                    let destination = self.destination(value);
                    self.endpoints.insert(key, destination);
                }
            }
            "POSTFIELDS" | "COPYPOSTFIELDS" | "READDATA" | "HTTPPOST" | "MIMEPOST"
            | "HTTPHEADER" | "COOKIE" | "USERPWD" | "USERNAME" | "PASSWORD" => {
                let data = self.taint_of(value);
                let destination = self.receiver_destination(call);
                self.push_flow(SinkKind::Network, name, call, data, destination);
            }
            _ => {}
        }
    }

    fn push_flow(
        &mut self,
        sink: SinkKind,
        name: &str,
        call: &ast::ExprCall,
        data: Taint,
        destination: Destination,
    ) {
        if data.is_empty() {
            return;
        }
        let span = self.span_of(call);
        let trigger = self.here();
        self.facts.flows.push(Flow {
            sink,
            call: name.to_string(),
            span,
            trigger,
            data,
            destination,
        });
    }

    /// The destination a receiver was made for (`s.connect((host, port))`,
    /// `HTTPSConnection(host)`), when the file shows it.
    fn receiver_destination(&self, call: &ast::ExprCall) -> Destination {
        let Expr::Attribute(a) = call.func.as_ref() else {
            return Destination::default();
        };
        let Some(key) = value_key(a.value.as_ref()) else {
            return Destination::default();
        };
        self.endpoints.get(&key).cloned().unwrap_or_default()
    }

    /// Remember where a connection made here goes: `s.connect(addr)`, or a name bound to
    /// `socket.create_connection(addr)` / `HTTPSConnection(host)` / `SMTP(host)`.
    pub(crate) fn note_endpoint(&mut self, receiver: String, name: &str, call: &ast::ExprCall) {
        let makes = matches!(
            name,
            "socket.socket.connect"
                | "socket.create_connection"
                | "http.client.HTTPConnection"
                | "http.client.HTTPSConnection"
                | "httplib.HTTPConnection"
                | "httplib.HTTPSConnection"
                | "smtplib.SMTP"
                | "smtplib.SMTP_SSL"
                | "ftplib.FTP"
                | "websocket.create_connection"
                | "websockets.connect"
                | "websockets.client.connect"
                | "subprocess.Popen"
        ) || name.starts_with("telebot.TeleBot")
            || name.starts_with("telegram.Bot");
        if !makes || self.endpoints.len() >= 10_000 {
            return;
        }
        let destination = if name.starts_with("telebot.") || name.starts_with("telegram.") {
            // The bot's token, when written, says whose bot it is.
            let token = call
                .arguments
                .args
                .first()
                .or(call.arguments.find_keyword("token").map(|k| &k.value))
                .and_then(|t| self.shape(t))
                .unwrap_or_else(|| HOLE.to_string());
            Destination {
                text: Some(format!("https://api.telegram.org/bot{token}")),
                literal: true,
                chosen_by: Vec::new(),
            }
        } else {
            let Some(first) = call
                .arguments
                .args
                .first()
                .or(call.arguments.find_keyword("host").map(|k| &k.value))
            else {
                return;
            };
            // `(host, port)`: the host is what matters.
            let host = match first {
                Expr::Tuple(t) if !t.elts.is_empty() => &t.elts[0],
                e => e,
            };
            self.destination(host)
        };
        self.endpoints.insert(receiver, destination);
    }

    /// `items.append(x)`, `d.update(x)`, `buf.write(x)`: the container now holds x.
    fn note_container_update(&mut self, call: &ast::ExprCall) {
        let Expr::Attribute(a) = call.func.as_ref() else {
            return;
        };
        if !matches!(
            a.attr.as_str(),
            "append"
                | "extend"
                | "update"
                | "add"
                | "insert"
                | "setdefault"
                | "write"
                | "writelines"
                | "put"
                | "set_content"
                | "set_payload"
                | "add_attachment"
                | "attach"
        ) {
            return;
        }
        let Some(key) = value_key(a.value.as_ref()) else {
            return;
        };
        let mut added = Taint::default();
        for arg in call.arguments.args.iter().take(8) {
            self.taint_into(arg, &mut added, 0);
        }
        for k in call.arguments.keywords.iter().take(8) {
            self.taint_into(&k.value, &mut added, 0);
        }
        self.add_taint(&key, &added);
    }

    /// `img.save(buf)`, `json.dump(obj, f)`, `shutil.copyfileobj(src, dst)`: data written
    /// into the buffer or file object an argument names.
    fn note_written_into(&mut self, name: &str, call: &ast::ExprCall) {
        let args = &call.arguments.args;
        let (data, target) = match name {
            "json.dump" | "pickle.dump" | "marshal.dump" | "shutil.copyfileobj" => {
                let (Some(d), Some(t)) = (args.first(), args.get(1)) else {
                    return;
                };
                (self.taint_of(d), t)
            }
            _ => match (call.func.as_ref(), args.first()) {
                (Expr::Attribute(a), Some(t)) if a.attr.as_str() == "save" => {
                    (self.taint_of(&a.value), t)
                }
                _ => return,
            },
        };
        if let Expr::Name(n) = target {
            let key = n.id.to_string();
            self.add_taint(&key, &data);
        }
    }

    /// Add data to what a name holds (`d["k"] = v`, `items.append(v)`).
    pub(crate) fn add_taint(&mut self, key: &str, added: &Taint) {
        if added.is_empty() {
            return;
        }
        let mut b = self.scope.get(key).cloned().unwrap_or_default();
        let mut t = b.taint.take().map(|t| *t).unwrap_or_default();
        t.merge(added);
        b.taint = Some(Box::new(t));
        self.scope.bind(key, b);
    }

    /// A `return` of data from a function.
    pub(crate) fn note_return(&mut self, r: &ast::StmtReturn) {
        let Some(value) = &r.value else { return };
        if self.facts.returns.len() >= MAX_FLOW_FACTS || !self.in_function() {
            return;
        }
        let taint = self.taint_of(value);
        if !taint.is_empty() {
            let span = self.span_of(r);
            self.facts.returns.push(Return { span, taint });
        }
    }
}

/// Whether an address as far as it is written names its host: `https://{…}/v2` and
/// `%SERVER_URL%/x` leave the host to a value read at run time (`{…}.ngrok.io` does not).
fn written_host(address: &str) -> bool {
    if address.is_empty() || address.starts_with(HOLE) || address.starts_with('%') {
        return false;
    }
    let rest = address.split_once("://").map_or(address, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    // Userinfo and port are not the host.
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    host.split(HOLE)
        .any(|part| part.chars().any(|c| c.is_ascii_alphanumeric()))
}

/// The program a command line runs: its first word, without folders or `.exe`, lowercase.
pub fn command_program(command: &str) -> Option<String> {
    let program = command.split_whitespace().next()?;
    let program = program.rsplit(['/', '\\']).next().unwrap_or(program);
    Some(
        program
            .strip_suffix(".exe")
            .unwrap_or(program)
            .to_ascii_lowercase(),
    )
}

/// A shell or an interpreter: a program whose input (a `-c` argument, its standard input)
/// is code.
pub fn is_interpreter(program: &str) -> bool {
    matches!(
        program,
        "sh" | "bash"
            | "zsh"
            | "dash"
            | "ksh"
            | "python"
            | "python3"
            | "perl"
            | "ruby"
            | "node"
            | "powershell"
            | "pwsh"
            | "cmd"
            | "osascript"
    )
}

/// A shell or interpreter run with nothing but options (`bash`, `sh -s`, `python3 -`): it
/// reads the code it runs on its standard input.
fn reads_code_on_stdin(command: &str) -> bool {
    command_program(command).is_some_and(|p| is_interpreter(&p))
        && command
            .split_whitespace()
            .skip(1)
            .all(|w| w.starts_with('-'))
}

/// What reading one environment variable (or all, when the key is not written) is.
fn env_source(key: Option<String>) -> Source {
    match key {
        Some(k) if identity_variable(&k) => Source::HostIdentity(format!("${k}")),
        Some(k) => Source::EnvVariable(k),
        None => Source::EnvVariable(HOLE.into()),
    }
}
