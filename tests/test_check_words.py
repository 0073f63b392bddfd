"""The counts in words that checker messages take from their cases."""

import pytest

from py4eng_jax.check._words import count_word


def test_count_word_spells_small_counts():
    """counts up to twelve are words"""
    assert [count_word(n) for n in (0, 1, 5, 12)] == [
        "no", "one", "five", "twelve"]


def test_count_word_uses_digits_above_twelve():
    """larger counts stay digits"""
    assert count_word(13) == "13"


@pytest.mark.parametrize("bad", [-1, 2.0, "3"])
def test_count_word_rejects_what_is_not_a_count(bad):
    """a negative number, a float or a string is refused, and named"""
    with pytest.raises(ValueError, match="count_word expects a count"):
        count_word(bad)
