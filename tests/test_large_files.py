"""No file over 1 MB in git: pre-commit-hooks' check-added-large-files on
commit, tools/large_files.py over every tracked file in `make test`."""

import pathlib
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
    assert str(over) in done.stderr
    assert f"{large_files.LIMIT_BYTES + 1:,} bytes" in done.stderr
    assert str(at) not in done.stderr
    assert large_files.main([str(at)]) == 0


def test_the_guard_is_a_pre_commit_hook_and_in_make_test():
    """pre-commit-hooks' check-added-large-files runs on commit with the
    limit make test's script uses, and make test runs that script"""
    hooks = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    kb = large_files.LIMIT_BYTES // 1024
    assert (f"entry: .venv/bin/check-added-large-files --maxkb={kb}\n"
            in hooks)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "tools/large_files.py" in recipe


def test_the_hook_refuses_a_large_file_being_added(tmp_path):
    """the hook's command, as pre-commit runs it, passes a file at the
    limit and refuses one over it when both are staged in a repository"""
    hook = pathlib.Path(sys.executable).parent / "check-added-large-files"
    kb = large_files.LIMIT_BYTES // 1024
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "at.bin").write_bytes(b"x" * large_files.LIMIT_BYTES)
    (tmp_path / "over.bin").write_bytes(b"x" * (large_files.LIMIT_BYTES
                                                + 1024))
    subprocess.run(["git", "add", "at.bin", "over.bin"], cwd=tmp_path,
                   check=True)
    at = subprocess.run([str(hook), f"--maxkb={kb}", "at.bin"],
                        cwd=tmp_path, capture_output=True, text=True)
    over = subprocess.run([str(hook), f"--maxkb={kb}", "over.bin"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert at.returncode == 0, at.stdout
    assert over.returncode == 1 and "over.bin" in over.stdout, over.stdout
