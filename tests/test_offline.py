"""The test session is offline: its Python processes cannot reach the network.

tests/conftest.py switches the guard in tools/no_network/sitecustomize.py
on for the session and for every Python process it starts. These tests
check that it is on, and what it lets through.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from support import load_network_guard

guard = load_network_guard()

ATTEMPT = """
import socket
try:
    socket.create_connection(("192.0.2.1", 80), timeout=1)
except ConnectionRefusedError as err:
    print("refused:", err)
"""


def test_a_started_python_process_cannot_connect_out(tmp_path):
    """a subprocess of the tests is refused, and the attempt is noted"""
    log = tmp_path / "network.log"
    env = dict(os.environ, **{guard.LOG_VARIABLE: str(log)})
    result = subprocess.run([sys.executable, "-c", ATTEMPT], env=env,
                            capture_output=True, text=True, timeout=60)
    assert "refused: network access is off" in result.stdout
    assert "192.0.2.1" in log.read_text()


def test_this_process_cannot_look_up_a_host(monkeypatch, tmp_path):
    """a name lookup for another machine is refused too"""
    monkeypatch.setenv(guard.LOG_VARIABLE, str(tmp_path / "network.log"))
    with pytest.raises(ConnectionRefusedError, match="look up 'example"):
        socket.getaddrinfo("example.com", 80)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", None,
                                  "127.0.0.53", b"127.0.0.1"])
def test_this_machine_is_allowed(host):
    """loopback addresses and names are local (the kernels need them)"""
    assert guard.is_local(host)


@pytest.mark.parametrize("host", ["192.0.2.1", "example.com", "8.8.8.8",
                                  "2001:db8::1"])
def test_other_machines_are_not(host):
    """any other address or name is remote"""
    assert not guard.is_local(host)
