"""Runs a script so that it ends with the process that started it.

    python3 with_parent.py SCRIPT [ARGS...]

The parent keeps this process's stdin open and never writes to it; when the parent ends, however it
ends (even SIGKILL), the pipe closes, the read below returns, and the whole process exits. The
script then runs as `__main__` with its own arguments.
"""

import os
import runpy
import sys
import threading


def _exit_when_parent_ends():
    # The raw descriptor, not sys.stdin: a daemon thread blocked in a buffered read holds its lock,
    # which aborts the interpreter at a normal exit.
    while os.read(0, 4096):
        pass
    os._exit(143)


threading.Thread(target=_exit_when_parent_ends, daemon=True).start()
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[0])))
runpy.run_path(sys.argv[0], run_name="__main__")
