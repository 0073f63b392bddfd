"""No file over 1 MB in git (tools/large_files.py): the pre-commit hook
and the `make test` check."""

import subprocess
import sys

import large_files
from book_files import ROOT


def test_no_tracked_file_is_over_the_limit():
    """every file git tracks in this repository is at most 1 MB"""
    assert large_files.too_large(large_files.tracked_files(ROOT)) == []


def test_a_file_over_the_limit_is_named(tmp_path):
    """one byte over the limit is refused, naming the file and its size;
    one at the limit passes"""
    at, over = tmp_path / "at.bin", tmp_path / "over.whl"
    at.write_bytes(b"x" * large_files.LIMIT_BYTES)
    over.write_bytes(b"x" * (large_files.LIMIT_BYTES + 1))
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "large_files.py"), str(at),
         str(over)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert str(over) in done.stderr and "1,000,001 bytes" in done.stderr
    assert str(at) not in done.stderr
    assert large_files.main([str(at)]) == 0


def test_the_guard_is_a_pre_commit_hook_and_in_make_test():
    """the same script runs on commit and in make test"""
    hooks = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "entry: .venv/bin/python tools/large_files.py" in hooks
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "tools/large_files.py" in recipe
