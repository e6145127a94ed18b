"""Runs a program on a pseudo-terminal, for bench/startup.ts (Deno has no pty of its own).

Usage: python3 on_pty.py PROMPT PROGRAM [ARG...]

Starts PROGRAM on a new pseudo-terminal and reads what it writes; once PROMPT (when not empty)
has appeared, types `.quit` and Enter. Exits with PROGRAM's exit code when it ends.
"""
import os
import pty
import select
import sys

prompt, argv = sys.argv[1].encode(), sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
seen = b""
while True:
    ready, _, _ = select.select([fd], [], [], 10)
    if not ready:
        break
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    seen += data
    if prompt and prompt in seen:
        os.write(fd, b".quit\r")
        prompt = b""
sys.exit(os.waitpid(pid, 0)[1] >> 8)
