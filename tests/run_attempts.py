"""Run checker attempts where JAX simulates several CPU devices.

    python tests/run_attempts.py DEVICES MODULE \
        '[["checker", "name", never_returns], ...]'

Imports MODULE (an attempts module of tests/, e.g. attempts_heat) after
setting JAX's device count, gives each named attempt to its checker, and
prints {name: [status, message]} as one line of JSON. An attempt that
never returns (never_returns true) is waited for SHORT_DEADLINE_S only;
the others get the checkers' real deadline. Used by
support.catalogue_tests(..., devices=N); the test process itself keeps
the one device it started with.
"""

import importlib
import json
import os
import sys

from support import DEADLINE_ENV, SHORT_DEADLINE_S


def main(argv: list[str]) -> None:
    devices, module, rows = int(argv[0]), argv[1], json.loads(argv[2])
    import jax
    jax.config.update("jax_num_cpu_devices", devices)
    from py4eng_jax import check

    attempts = importlib.import_module(module)
    out = {}
    for checker, name, never_returns in rows:
        if never_returns:
            os.environ[DEADLINE_ENV] = str(SHORT_DEADLINE_S)
        else:
            os.environ.pop(DEADLINE_ENV, None)
        feedback = getattr(check, checker)(getattr(attempts, name))
        out[name] = [feedback.status, feedback.message]
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
