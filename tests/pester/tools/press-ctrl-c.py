"""Runs a command on a pseudo-terminal, presses Ctrl+C once a file has enough lines, and reports how it ended.

usage: press-ctrl-c.py <file> <lines> <timeout-seconds> <command> [args...]
prints one JSON object: pressed (bool), exited (bool), exit_code, seconds_to_exit, output (tail).
A terminal is needed because PowerShell reads Ctrl+C from its console, not from a signal sent to a redirected process.
"""
import json, os, pty, select, signal, sys, time

path, lines, timeout, command = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    # A terminal's shell starts commands with Ctrl+C's signal at its default; a test run started in the background
    # inherits it ignored (bash does that for background jobs), and .NET then leaves it ignored too.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execvp(command[0], command)

output = bytearray()
def drain(wait):
    ready, _, _ = select.select([fd], [], [], wait)
    if ready:
        try:
            output.extend(os.read(fd, 65536))
        except OSError:
            pass

def count(p):
    try:
        with open(p, "rb") as f:
            return sum(1 for _ in f)
    except OSError:
        return 0

def reap():
    done, st = os.waitpid(pid, os.WNOHANG)
    return st if done else None

status = None
deadline = time.time() + timeout
while status is None and time.time() < deadline and count(path) < lines:
    drain(0.2)
    status = reap()
pressed = status is None and count(path) >= lines
if pressed:
    os.write(fd, b"\x03")
pressed_at = time.time()
while status is None and time.time() < pressed_at + 60:
    drain(0.2)
    status = reap()
if status is None:
    os.kill(pid, 9)
else:
    drain(0)
print(json.dumps({
    "pressed": pressed,
    "exited": status is not None,
    "exit_code": os.waitstatus_to_exitcode(status) if status is not None else None,
    "seconds_to_exit": round(time.time() - pressed_at, 2),
    "output": output[-2000:].decode("utf-8", "replace"),
}))
