"""Counts in words, for checker messages that name how many cases ran."""

from __future__ import annotations

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven",
          "eight", "nine", "ten", "eleven", "twelve")


def count_word(n: int) -> str:
    """``n`` in words up to twelve, in digits above.

    Examples:
      >>> count_word(5), count_word(13)
      ('five', '13')
    """
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"count_word expects a count (an int >= 0), got "
                         f"{n!r}")
    return _WORDS[n] if n < len(_WORDS) else str(n)
