"""Refuse network connections: building and testing the book run offline.

tests/conftest.py puts this folder first on PYTHONPATH and imports it, so
the test session and every Python process it starts (the strict builds,
the notebooks' kernels, the tools) run with it: Python imports a module
named ``sitecustomize`` at start-up. A connection to another machine, or a
name lookup for one, raises ``ConnectionRefusedError`` and is noted in the
file named by $PY4ENG_NETWORK_LOG; the session fails at its end if that
file is not empty (even when the code that tried caught the error).
Connections within this machine (loopback, Unix sockets) are allowed: the
kernels talk to the tests over them, and the browser tests use a local
server.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import traceback

LOG_VARIABLE = "PY4ENG_NETWORK_LOG"
_LOCAL_NAMES = {None, "", "localhost", "localhost.localdomain"}


def is_local(host) -> bool:
    """True for this machine: loopback addresses and names, or no host."""
    if isinstance(host, bytes):
        host = host.decode()
    if host in _LOCAL_NAMES or host == socket.gethostname():
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    log = os.environ.get(LOG_VARIABLE)
    if log:
        where = "".join(traceback.format_stack(limit=8)[:-2])
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"pid {os.getpid()}: {what}\n{where}\n")
    raise ConnectionRefusedError(
        f"network access is off while building and testing the book: {what}")


def _guard_address(sock, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) \
            and not is_local(address[0]):
        _refuse(f"connect to {address!r}")


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_sendto = socket.socket.sendto
_getaddrinfo = socket.getaddrinfo


def connect(self, address):
    _guard_address(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _guard_address(self, address)
    return _connect_ex(self, address)


def sendto(self, data, *args):
    _guard_address(self, args[-1])
    return _sendto(self, data, *args)


def getaddrinfo(host, *args, **kwargs):
    if not is_local(host):
        _refuse(f"look up {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


def install() -> None:
    """Patch the socket module (idempotent)."""
    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.socket.sendto = sendto
    socket.getaddrinfo = getaddrinfo


if os.environ.get(LOG_VARIABLE):
    install()
