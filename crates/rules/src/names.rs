//! Which resolved names mean what. Rules share these lists so that a new alias of, say, a
//! download function is taught once.

/// Runs a command line or a program.
pub fn is_command(name: &str) -> bool {
    matches!(
        name,
        "os.system"
            | "os.popen"
            | "os.popen2"
            | "os.popen3"
            | "os.startfile"
            | "pty.spawn"
            | "commands.getoutput"
            | "commands.getstatusoutput"
            | "subprocess.getoutput"
            | "subprocess.getstatusoutput"
            | "asyncio.create_subprocess_shell"
            | "asyncio.create_subprocess_exec"
            | "win32api.ShellExecute"
            | "ctypes.windll.shell32.ShellExecuteW"
            // pip driven from code: installs (and runs the setup of) other packages.
            | "pip.main"
            | "pip._internal.main"
            | "pip._internal.cli.main.main"
            | "runpy.run_module"
    ) || name.starts_with("subprocess.Popen")
        || matches!(
            name,
            "subprocess.call"
                | "subprocess.run"
                | "subprocess.check_output"
                | "subprocess.check_call"
        )
        || (name.starts_with("os.exec") && name.len() <= 10)
        || (name.starts_with("os.spawn") && name.len() <= 11)
}

/// Sends or fetches over the network.
pub fn is_network(name: &str) -> bool {
    is_download(name)
        || matches!(
            name,
            "requests.post"
                | "requests.put"
                | "requests.patch"
                | "requests.request"
                | "requests.Session.post"
                | "requests.session.post"
                | "httpx.post"
                | "httpx.AsyncClient.post"
                | "httpx.Client.post"
                | "aiohttp.ClientSession.post"
                | "urllib.request.Request"
                | "urllib2.Request"
                | "socket.socket.connect"
                | "socket.socket.send"
                | "socket.socket.sendall"
                | "socket.socket.sendto"
                | "socket.create_connection"
                | "socket.gethostbyname"
                | "socket.getaddrinfo"
                | "dns.resolver.query"
                | "dns.resolver.resolve"
                | "smtplib.SMTP"
                | "smtplib.SMTP_SSL"
                | "ftplib.FTP"
                | "http.client.HTTPConnection"
                | "http.client.HTTPSConnection"
                | "httplib.HTTPConnection"
                | "httplib.HTTPSConnection"
                | "discord_webhook.DiscordWebhook"
                | "dhooks.Webhook"
                | "pycurl.Curl"
                | "websocket.create_connection"
                | "aiohttp.ClientSession.get"
                | "http.client.HTTPSConnection.request"
                | "http.client.HTTPConnection.request"
        )
}

/// Fetches content from a URL.
pub fn is_download(name: &str) -> bool {
    matches!(
        name,
        "requests.get"
            | "requests.Session.get"
            | "requests.session.get"
            | "urllib.request.urlopen"
            | "urllib.urlopen"
            | "urllib2.urlopen"
            | "urllib.request.urlretrieve"
            | "urllib.urlretrieve"
            | "httpx.get"
            | "httpx.Client.get"
            | "wget.download"
            | "urllib3.PoolManager.request"
            | "urllib.request.build_opener.open"
            | "requests.request"
    )
}

/// Data that arrived from elsewhere: a download or a socket.
pub fn is_remote_data(name: &str) -> bool {
    is_download(name)
        || matches!(
            name,
            "socket.socket.recv"
                | "socket.socket.recvfrom"
                | "socket.socket.makefile"
                | "requests.post"
                | "urllib.request.urlopen.read"
                | "urllib2.urlopen.read"
                | "websocket.create_connection.recv"
        )
        || name.starts_with("requests.get.")
        || name.starts_with("urllib.request.urlopen.")
}

/// Decodes or decompresses data: the usual wrapping of a hidden payload.
pub fn is_decode(name: &str) -> bool {
    // Any decryptor (`fernet.Fernet(key).decrypt`, `AES.new(...).decrypt`, home-made ones)
    // and any decompressor, whatever module they come from.
    name.ends_with(".decrypt")
        || name.ends_with(".decompress")
        || name.ends_with("b64decode")
        || name.ends_with("b32decode")
        || name.ends_with("b85decode")
        || name.ends_with("a85decode")
        || name.starts_with("base64.")
        || name.starts_with("zlib.decompress")
        || name.starts_with("lzma.decompress")
        || name.starts_with("bz2.decompress")
        || name.starts_with("gzip.decompress")
        || matches!(
            name,
            "codecs.decode"
                | "binascii.unhexlify"
                | "binascii.a2b_base64"
                | "binascii.a2b_hex"
                | "bytes.fromhex"
                | "bytearray.fromhex"
                | "marshal.loads"
                | "cryptography.fernet.Fernet.decrypt"
                | "Fernet.decrypt"
                | "Crypto.Cipher.AES.new.decrypt"
                | "pickle.loads"
        )
}

/// Runs Python code given as data.
pub fn is_exec(name: &str) -> bool {
    matches!(
        name,
        "builtins.exec"
            | "builtins.eval"
            | "builtins.compile"
            | "builtins.execfile"
            | "exec"
            | "eval"
    )
}

/// Reads facts about the host (the list the flow analysis also reads as host identity).
pub fn is_fingerprint(name: &str) -> bool {
    malpi_python::is_fingerprint(name)
}

/// Calls of file `index` that run code (`exec`, `eval`, `marshal.loads`, `pickle.loads`) on
/// data fetched from the network, with the fetching call or name: EXE002's behaviour,
/// TEC011's technique. Not code the flows show arriving from this machine only.
pub fn remote_code_runs(
    pkg: &crate::PackageFacts,
    index: usize,
) -> impl Iterator<Item = (&malpi_python::Call, &str)> {
    pkg.files[index]
        .calls
        .iter()
        .filter(|c| is_exec(&c.name) || matches!(c.name.as_str(), "marshal.loads" | "pickle.loads"))
        .filter_map(|c| {
            let arg = c.args.first()?;
            // `pickle.loads(pickle.dumps(response))` copies a local object (a round trip in
            // tests); the downloaded bytes are not what is loaded.
            if arg.calls.iter().any(|n| n.ends_with(".dumps")) {
                return None;
            }
            let source = arg
                .calls
                .iter()
                .find(|n| is_remote_data(n))
                .or_else(|| arg.names.iter().find(|n| is_remote_data(n)))?;
            Some((c, source.as_str()))
        })
        // Only for the few calls that run fetched code: it reads the package's flows.
        .filter(move |(c, _)| !crate::flows::received_from_this_machine(pkg, index, c))
}
