"""Refuse files over 1 MB in git: a pre-commit hook and a `make test` check.

    python tools/large_files.py FILE...   # the files given (pre-commit)
    python tools/large_files.py           # every file git tracks

A built wheel (10 MB) was once committed by accident; the book's largest
honest file, an executed chapter, is under half of the limit. On commit,
pre-commit runs the usual guard, ``check-added-large-files`` from the
pinned ``pre-commit-hooks`` package, with the same limit (``--maxkb=1024``);
this script checks every tracked file in ``make test``, where that hook
would only see files being added. Exits 1 and names each file over the
limit.
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys

#: The largest size a file in the repository may have, in bytes (the
#: pre-commit hook's --maxkb=1024).
LIMIT_BYTES = 1024 * 1024


def tracked_files(root: pathlib.Path) -> list[pathlib.Path]:
    """Every file git tracks under ``root`` (a git work tree)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True,
                           capture_output=True).stdout.decode().split("\0")
    return [root / name for name in names if name]


def too_large(paths, limit: int = LIMIT_BYTES) -> list[tuple[str, int]]:
    """(path, size) of each existing file in ``paths`` over ``limit`` bytes
    (a file deleted in the work tree is skipped)."""
    sizes = [(str(path), path.stat().st_size)
             for path in map(pathlib.Path, paths) if path.is_file()]
    return [(path, size) for path, size in sizes if size > limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="files to check (default: "
                        "every file git tracks)")
    args = parser.parse_args(argv)
    paths = args.files or tracked_files(pathlib.Path.cwd())
    found = too_large(paths)
    for path, size in found:
        print(f"{path}: {size:,} bytes, over the limit of "
              f"{LIMIT_BYTES:,} bytes: keep built or downloaded files out "
              f"of git (.gitignore)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
