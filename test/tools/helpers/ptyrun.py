# Runs a command on a real pseudo-terminal (Python's pty module) set to 33x101, prints what it
# wrote (CRLF as LF) and its exit status. ACTION, done once "ready" appears: none, winch
# (resize the terminal to 50x120: SIGWINCH) or int (type ^C).
# usage: ptyrun.py ACTION -- ARGV...
import pty, os, fcntl, termios, struct, sys, signal

action = sys.argv[1]; argv = sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 33, 101, 0, 0))
    os.execvp(argv[0], argv)
out = b''
acted = False
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b: break
    out += b
    if not acted and b'ready' in out:
        acted = True
        if action == 'winch': fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 50, 120, 0, 0))
        if action == 'int': os.write(fd, b'\x03')
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode().replace('\r\n', '\n'))
sys.stdout.write('status %d\n' % (os.waitstatus_to_exitcode(st)))
