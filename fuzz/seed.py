"""Write seed corpora for the fuzz targets from the project's fixtures (run with `python3 -I`).

Only builds files: nothing in the fixtures is imported or run.
"""
import base64, bz2, gzip, io, lzma, pathlib, sys, tarfile, zipfile, zlib

root = pathlib.Path(__file__).resolve().parent.parent
out = root / "fuzz" / "corpus"
py_files = sorted((root / "crates/rules/fixtures").rglob("*.py")) + sorted((root / "tests/layers").glob("*.py"))

def put(target, name, data):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)

for i, f in enumerate(py_files):
    src = f.read_bytes()
    put("python", f"{i:04}.py", bytes([i % 2]) + src)
    if i % 8 == 0:
        # A tiny sdist and wheel around the fixture, for the archive and whole-scan targets.
        tbuf = io.BytesIO()
        with tarfile.open(fileobj=tbuf, mode="w:gz") as t:
            for name, data in [("pkg-1.0/setup.py", src), ("pkg-1.0/PKG-INFO", b"Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n")]:
                info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
        zbuf = io.BytesIO()
        with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("pkg/__init__.py", src)
            z.writestr("pkg-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n")
        for target in ("archive", "scan"):
            put(target, f"{i:04}.tar.gz", tbuf.getvalue())
            put(target, f"{i:04}.whl", zbuf.getvalue())
            put(target, f"{i:04}.tar.bz2", bz2.compress(tarfile_bytes) if (tarfile_bytes := gzip.decompress(tbuf.getvalue())) else b"")
            put(target, f"{i:04}.tar.xz", lzma.compress(tarfile_bytes))

payload = b"import os\nos.system('id')\n"
encoders = [base64.b64encode, base64.b32encode, base64.b85encode, base64.a85encode,
            zlib.compress, gzip.compress, bz2.compress, lzma.compress]
for sel, enc in enumerate(encoders):
    put("decoders", f"{sel:02}", bytes([sel]) + enc(payload))
put("decoders", "08", bytes([8 + (3 << 4)]) + b"key" + bytes(b ^ k for b, k in zip(payload, b"key" * 20)))
put("decoders", "11", bytes([11]) + b"\xe3" + bytes(40) + b"\xda\x02id")

meta = {0: b"Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\nSummary: s\nRequires-Dist: requests>=2\nProject-URL: Home, https://example.org\n\nbody\n",
        2: b"[metadata]\nname = pkg\nversion = 1.0\n[options]\ninstall_requires =\n    requests\n",
        3: b"[project]\nname = \"pkg\"\nversion = \"1.0\"\ndependencies = [\"requests>=2\"]\n"}
for sel, text in meta.items():
    put("metadata", f"{sel}", bytes([sel]) + text)
html = b'<!DOCTYPE html><html><body><a href="../../files/pkg-1.0.tar.gz#sha256=' + b"ab" * 32 + b'" data-requires-python="&gt;=3.8" data-yanked="bad">pkg-1.0.tar.gz</a><a href="https://x.example/pkg-1.1-py3-none-any.whl" data-dist-info-metadata="sha256=00">w</a></body></html>'
put("index", "page.html", html)
put("index", "page.json", b'{"meta":{"api-version":"1.1"},"name":"pkg","files":[{"filename":"pkg-1.0.tar.gz","url":"../f/pkg-1.0.tar.gz","hashes":{"sha256":"' + b"ab" * 32 + b'"},"yanked":false,"upload-time":"2024-01-01T00:00:00Z","size":10}]}')
put("index", "req", b"pkg[extra]>=1.0,!=1.1.*; python_version >= '3.8'")
for i, f in enumerate(sorted((root.parent / "shared/osv/malicious/pypi").glob("*/MAL-*.json"))[:40]):
    put("osv", f"{i:03}.json", f.read_bytes())
print("seeds written to", out, file=sys.stderr)
