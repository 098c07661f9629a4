"""Drives a program on a real pseudo-terminal, expect-style.

Usage: pty_drive.py STEPS_JSON CMD [ARG...]. STEPS_JSON is a list of steps: {"send": "..."}
writes bytes to the terminal, {"expect": "REGEX"} reads until the output since the previous
expect matches (failing after a generous deadline, which only a hang reaches). Prints one JSON
object: {"ok": bool, "failed_step": n|null, "transcript": "...", "status": exit status}.
"""
import json, os, pty, re, select, sys, time

def main():
    steps = json.loads(sys.argv[1])
    pid, fd = pty.fork()
    if pid == 0:
        os.environ['TERM'] = 'xterm'
        os.execvp(sys.argv[2], sys.argv[2:])
    transcript = b''
    mark = 0
    failed = None
    for i, st in enumerate(steps):
        if 'send' in st:
            os.write(fd, st['send'].encode())
            continue
        pat = re.compile(st['expect'].encode(), re.S)
        deadline = time.time() + st.get('within', 40)
        while not pat.search(transcript, mark):
            left = deadline - time.time()
            if left <= 0:
                failed = i
                break
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b''
            if not chunk:
                failed = i
                break
            transcript += chunk
        if failed is not None:
            break
        mark = pat.search(transcript, mark).end()
    status = None
    if failed is None:
        # Drain until the program exits.
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            transcript += chunk
        _, ws = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(ws)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    print(json.dumps({'ok': failed is None, 'failed_step': failed, 'transcript': transcript.decode('utf8', 'replace'), 'status': status}))

main()
