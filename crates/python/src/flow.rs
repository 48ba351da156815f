//! Value flow: what data a value is made of (its sources), and the calls where data leaves
//! the program or becomes code (sinks). Facts only: which sources are sensitive and which
//! flows show intent is the rules' business.
//!
//! A value's [`Taint`] is the set of reads it was built from, followed through assignment,
//! concatenation, formatting, containers, iteration, `with ... as`, conversions and
//! encodings, and calls. A call the file cannot see into passes its arguments' taint on and
//! adds [`Source::Returned`], which the program model resolves to what the package's
//! function returns; a parameter is a [`Source::Parameter`], which the program model
//! replaces by what callers pass.

use serde::Serialize;

use crate::facts::{Span, Step, Trigger};

/// What a value was read from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "detail")]
pub enum Source {
    /// Who and where the host is: user, host name, addresses, platform, working folder.
    /// Holds the call or variable read.
    HostIdentity(String),
    /// The whole environment (`os.environ`, its items, a copy).
    Environment,
    /// One environment variable, by name.
    EnvVariable(String),
    /// What a command printed. Holds the command line as far as it is written.
    CommandOutput(String),
    /// The content of a file. Holds its path as far as it is written (`{…}` for holes).
    FileContent(String),
    /// Names of files found by walking or globbing folders. Holds the folder or pattern.
    FileSearch(String),
    /// The content of files found by walking or globbing. Holds the folder or pattern.
    FoundFile(String),
    /// The code of the program that imported the package (`inspect.stack()` frames, the
    /// `__main__` module, the caller's source).
    CallerSource(String),
    /// What a user types at a prompt (`input`, `getpass`).
    Prompt,
    /// The clipboard, the screen, keystrokes, the camera or microphone. Holds the call.
    Surveillance(String),
    /// The program's command-line arguments.
    CommandLine,
    /// A response from the network. Holds the address as far as it is written.
    NetworkResponse(String),
    /// Bytes decoded from a literal of the package (a base64 blob).
    DecodedLiteral,
    /// A parameter of the function the value is read in.
    Parameter(String),
    /// A parameter the function loads as a private key (`Account.from_key(p)`), whatever
    /// its name.
    KeyParameter(String),
    /// The content of the file a parameter names (`def send_file(path): open(path)`): whose
    /// file it is, the program model learns from what callers pass.
    ParameterFile(String),
    /// What a call returns that the file cannot see into (a function of the package, or a
    /// library): resolved by the program model, dropped when it stays unknown.
    Returned(String),
}

/// One read, where it happens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Atom {
    pub source: Source,
    pub line: u32,
}

/// Most reads one value keeps: a value built from everything (a dict of host facts) says
/// enough with a few.
pub const MAX_ATOMS: usize = 12;
/// Most transformations one value keeps.
const MAX_THROUGH: usize = 6;

/// What a value is made of.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Taint {
    pub atoms: Vec<Atom>,
    /// Encodings and conversions the data went through (`base64.b64encode`, `json.dumps`).
    pub through: Vec<String>,
}

impl Taint {
    pub fn of(source: Source, line: u32) -> Taint {
        Taint {
            atoms: vec![Atom { source, line }],
            through: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.atoms.is_empty()
    }

    pub fn add(&mut self, atom: Atom) {
        if self.atoms.len() < MAX_ATOMS && !self.atoms.iter().any(|a| a.source == atom.source) {
            self.atoms.push(atom);
        }
    }

    pub fn merge(&mut self, other: &Taint) {
        for a in &other.atoms {
            self.add(a.clone());
        }
        for t in &other.through {
            self.note(t);
        }
    }

    /// Record a transformation the data went through.
    pub fn note(&mut self, through: &str) {
        if self.through.len() < MAX_THROUGH && !self.through.iter().any(|t| t == through) {
            self.through.push(through.to_string());
        }
    }
}

/// Where data goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SinkKind {
    /// Sent over the network (HTTP, sockets, SMTP, a browser opened on a URL).
    Network,
    /// Looked up as a host name: a DNS query carries the name to the domain's server.
    Dns,
    /// Part of a command line that is run.
    Command,
    /// Run as Python code (`exec`, `eval`, `marshal.loads`, `pickle.loads`).
    Exec,
}

impl SinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SinkKind::Network => "network",
            SinkKind::Dns => "dns",
            SinkKind::Command => "command",
            SinkKind::Exec => "exec",
        }
    }
}

/// Where a sink sends its data, and who chose it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Destination {
    /// The address, host name or command line as the package writes it (`{…}` for the
    /// parts it does not write); `None` when nothing of it is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Whether the package itself wrote where the data goes: the address starts with a
    /// literal (a scheme, a host), rather than with a value read at run time.
    pub literal: bool,
    /// The reads that chose the destination when it is not written (a parameter, an
    /// environment variable, a config file, the command line).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chosen_by: Vec<Atom>,
}

/// A sink the file reaches with data, as the file alone shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    pub sink: SinkKind,
    /// The sink call's resolved name.
    pub call: String,
    pub span: Span,
    pub trigger: Trigger,
    pub data: Taint,
    pub destination: Destination,
}

/// What a function returns, when it returns data.
#[derive(Clone, Debug, PartialEq)]
pub struct Return {
    pub span: Span,
    pub taint: Taint,
}

/// Data passed to a call the file cannot see into (a function of the package): the program
/// model joins it to the flows of that function's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    /// The callee as written or resolved by the file (`send`, `.utils.send`, `self.post`).
    pub callee: String,
    pub span: Span,
    /// Positional arguments by index, keyword ones by name, with what each carries.
    pub args: Vec<(PassedAs, Taint)>,
    /// Arguments whose text the caller writes (`"http://203.0.113.5/x"`): where a helper's
    /// parameter destination really points.
    pub written: Vec<(PassedAs, String)>,
    /// Arguments as paths, as far as the caller writes them (`~/.ssh/id_rsa`, `{…}/{…}`):
    /// which file a helper opens when it opens its parameter.
    pub paths: Vec<(PassedAs, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassedAs {
    Position(u32),
    Keyword(String),
}

/// A flow of the whole package: concrete sources (returns and parameters followed across
/// functions and modules as far as the program model sees) reaching one sink, with every
/// step from the first read to the sink.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PackageFlow {
    pub sink: SinkKind,
    pub call: String,
    /// Index of the file holding the sink in the package's files.
    #[serde(skip)]
    pub file: usize,
    #[serde(skip)]
    pub span: Span,
    pub trigger: Trigger,
    pub sources: Vec<Atom>,
    pub through: Vec<String>,
    pub destination: Destination,
    /// From the first read to the sink.
    pub steps: Vec<Step>,
}
