"""Local mode's Python jobs (data prep, training), each in a process of its own, without the start-up.

    python3 job_server.py

Imports NumPy and XGBoost once, says so on stdout (`{"ready": true, "xgboost": "1.7.4"}`), then reads
one request per line on stdin, `{"id": 1, "script": "/abs/train.py", "args": [...]}`, and runs each
script as `__main__` in a child forked from this process: a job is still its own process, as a
SageMaker or Glue job is (its own exit status, its own crash, the OS may kill it), but it starts with
the libraries already loaded (importing them is a large share of a small training job). When a child
ends, one line answers its request: `{"id": 1, "code": 0, "signal": null, "stdout": "...", "stderr": "..."}`.
Jobs run concurrently (tuning trials). Only third-party libraries are preloaded: the project's own
modules are imported by each job afresh, so an edited ETL or training script is what runs.

A request with `"connect": "/path.sock"` is a long-lived service instead (the prediction worker): its
child connects to that Unix socket and uses it as its stdin and stdout, so the Node process talks to it
directly, and its request is answered when it exits (stdout empty, stderr as for a job). `"name"` sets
the child's process name (`ps -o comm`), since a forked child keeps the server's command line.

When stdin closes (the Node process ended, however it ended) the running jobs are killed and the
server exits; a job whose server is killed gets SIGKILL from the kernel (PR_SET_PDEATHSIG).

Nothing here may start an OpenMP or BLAS thread pool before forking: a forked child gets no threads
of its parent, and a pool that believes it has them deadlocks. Importing starts none.
"""

import ctypes
import json
import os
import runpy
import selectors
import signal
import socket
import sys
import tempfile
import traceback

try:
    import numpy  # noqa: F401
    import xgboost
except Exception as error:  # noqa: BLE001 - any import failure means this Python cannot run local mode
    sys.stderr.write("%s: %s\n" % (type(error).__name__, error))
    sys.exit(1)

PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15
OUTPUT_DIR = tempfile.mkdtemp(prefix="mlops-jobs-")
running = {}  # pid -> (request id, stdout path, stderr path)


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def redirect(out_path, err_path):
    for number, path, flags in (
        (0, os.devnull, os.O_RDONLY),
        (1, out_path, os.O_WRONLY),
        (2, err_path, os.O_WRONLY),
    ):
        os.dup2(os.open(path, flags), number)


def run_script(script, args):
    """The script as `__main__` with the job's arguments; its exit status."""
    sys.argv = [script] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        sys.stderr.write("%s\n" % done.code)
    except BaseException:  # noqa: BLE001 - a job's crash is its exit status, as for a process
        traceback.print_exc()
    else:
        return 0
    return 1


def connect_stdio(path, err_path):
    """A service's stdin and stdout are the Unix socket its Node process listens on."""
    channel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    channel.connect(path)
    for number in (0, 1):
        os.dup2(channel.fileno(), number)
    channel.close()
    os.dup2(os.open(err_path, os.O_WRONLY), 2)


def run_child(request, out_path, err_path):
    """In the forked child: dies with the server, writes to the job's files, never returns."""
    code = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if request.get("name"):
            libc.prctl(PR_SET_NAME, ctypes.c_char_p(request["name"].encode()[:15]))
        if request.get("connect"):
            connect_stdio(request["connect"], err_path)
        else:
            redirect(out_path, err_path)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for sig in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        code = run_script(request["script"], request.get("args", []))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def start(request):
    out_path = os.path.join(OUTPUT_DIR, "%s.out" % request["id"])
    err_path = os.path.join(OUTPUT_DIR, "%s.err" % request["id"])
    for path in (out_path, err_path):
        open(path, "wb").close()
    pid = os.fork()
    if pid == 0:
        run_child(request, out_path, err_path)
    running[pid] = (request["id"], out_path, err_path)


def read_and_remove(path):
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", errors="replace")
    os.unlink(path)
    return text


def reap():
    """Answers every job that has ended."""
    while running:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        job = running.pop(pid, None)
        if job is None:
            continue
        request_id, out_path, err_path = job
        signaled = os.WIFSIGNALED(status)
        send(
            {
                "id": request_id,
                "pid": pid,
                "code": None if signaled else os.WEXITSTATUS(status),
                "signal": signal.Signals(os.WTERMSIG(status)).name if signaled else None,
                "stdout": read_and_remove(out_path),
                "stderr": read_and_remove(err_path),
            }
        )


def stop():
    for pid in list(running):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for name in os.listdir(OUTPUT_DIR):
        os.unlink(os.path.join(OUTPUT_DIR, name))
    os.rmdir(OUTPUT_DIR)
    os._exit(0)


def serve():
    # A child's end wakes the loop through this pipe: no polling.
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: stop())
    # Ctrl-C reaches the whole process group; the Node process decides what stops, and stops this.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ, "requests")
    selector.register(wake_read, selectors.EVENT_READ, "wake")
    pending = b""
    send({"ready": True, "xgboost": xgboost.__version__, "pid": os.getpid()})
    while True:
        for key, _ in selector.select():
            if key.data == "wake":
                os.read(wake_read, 4096)
                reap()
                continue
            chunk = os.read(0, 65536)
            if not chunk:
                stop()
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.strip():
                    start(json.loads(line))
        reap()


if __name__ == "__main__":
    serve()
