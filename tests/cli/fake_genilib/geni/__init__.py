"""A stand-in for geni-lib that records what a profile asks of it (README.md)."""
import atexit
import json
import os

calls = []


def record(what, **args):
    calls.append(dict(call=what, **args))


def _write():
    path = os.environ.get("FAKE_GENILIB_RECORD")
    if path:
        with open(path, "w") as f:
            json.dump(calls, f, indent=1, default=str)


atexit.register(_write)
