"""An oracle process: runs framework code for the tests, one request a line.

Started once per test session by tests/oracles/harness.py with the python of
a virtual environment that has the real framework (``make oracles``).  Each
line on stdin is a JSON request ``{"prelude", "source", "call", "args"}``;
each answer is one JSON line on stdout (see wire.Runner).  Anything the
framework itself writes goes to stderr, so the answers stay readable.
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import wire  # noqa: E402


def main():
    answers = sys.stdout
    sys.stdout = sys.stderr  # a stray print in a framework must not break the protocol
    runner = wire.Runner()
    answers.write(json.dumps({"ready": True, "python": sys.version.split()[0]}) + "\n")
    answers.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        args = [wire.decode(a) for a in request.get("args", [])]
        answer = runner.run(request["prelude"], request["source"], request["call"], args)
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
