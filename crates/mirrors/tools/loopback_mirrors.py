"""Three package indexes on loopback for trying `malpi mirrors check` by hand.

They serve subsets of the projects whose files a malpi store holds (read from the store's
SQLite file: names, versions, file names, sha256 -- never the files themselves):

  pypi  (port P)    8% of the projects, PEP 691 JSON; after `touch PHASE2` half of those
                    are gone (404): removals between two checks
  tuna  (port P+1)  80%, PEP 691 JSON with sha256
  slow  (port P+2)  40%, PEP 503 HTML without hashes; 3% answer 500, 2% stall 30 s

Membership is a stable hash of the name. Usage:
  python3 -I loopback_mirrors.py STORE.db PORT PHASE2_FILE
"""

import hashlib
import html
import json
import os
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

store, port, phase2 = sys.argv[1], int(sys.argv[2]), sys.argv[3]

projects = {}
db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
for name, filename, sha in db.execute(
    "SELECT p.name, f.filename, f.sha256 FROM files f JOIN projects p ON p.id = f.project_id"
):
    projects.setdefault(name, []).append((filename, sha))


def bucket(name):
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % 100


def handler(mirror):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, status, ctype, body):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            parts = self.path.strip("/").split("/")
            if len(parts) != 2 or parts[0] != "simple" or parts[1] not in projects:
                return self.send(404, "text/plain", "not found")
            name = parts[1]
            b = bucket(name)
            files = projects[name]
            if mirror == "pypi":
                served = b < 8 and not (os.path.exists(phase2) and b < 4)
            elif mirror == "tuna":
                served = b < 80
            else:
                if 60 <= b < 63:
                    return self.send(500, "text/plain", "internal error")
                if 63 <= b < 65:
                    time.sleep(30)
                served = 20 <= b < 60
            if not served:
                return self.send(404, "text/plain", "not found")
            if mirror == "slow":
                links = "".join(
                    f'<a href="../../files/{html.escape(f)}">{html.escape(f)}</a><br/>\n'
                    for f, _ in files
                )
                return self.send(200, "text/html", f"<html><body>{links}</body></html>")
            page = {
                "meta": {"api-version": "1.1"},
                "name": name,
                "files": [
                    {"filename": f, "url": f"../../files/{f}", "hashes": {"sha256": s}}
                    for f, s in files
                ],
            }
            self.send(200, "application/vnd.pypi.simple.v1+json", json.dumps(page))

    return Handler


for offset, mirror in enumerate(["pypi", "tuna", "slow"]):
    server = ThreadingHTTPServer(("127.0.0.1", port + offset), handler(mirror))
    threading.Thread(target=server.serve_forever, daemon=True).start()
print(f"{len(projects)} projects; pypi :{port}, tuna :{port + 1}, slow :{port + 2}", flush=True)
threading.Event().wait()
