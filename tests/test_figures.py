"""The house style of the book's figures (src/py4eng_jax/_figures.py)."""

import subprocess
import sys

import matplotlib
import pytest

from py4eng_jax import _figures, use_book_style
from support import ROOT


@pytest.fixture(autouse=True)
def _restore_rcparams():
    saved = matplotlib.rcParams.copy()
    yield
    matplotlib.rcParams.update(saved)


def test_sets_and_returns_the_style():
    """every rcParam of the style is set, and returned"""
    style = use_book_style()
    assert style == _figures.BOOK_STYLE
    for key, value in style.items():
        expected = list(value) if isinstance(value, tuple) else value
        assert matplotlib.rcParams[key] == expected, key


def test_figures_fill_the_text_column():
    """at 96 px per inch a figure is 600 to 757 px wide (the column)"""
    width, height = use_book_style()["figure.figsize"]
    assert 600 <= width * 96 <= 757
    assert height < width


def test_fonts_read_on_a_phone():
    """shrunk to a 350 px phone column, tick labels are at least 8 px"""
    style = use_book_style()
    width_px = style["figure.figsize"][0] * 96
    smallest_pt = min(style[k] for k in ("xtick.labelsize",
                                         "ytick.labelsize",
                                         "legend.fontsize"))
    assert smallest_pt * 96 / 72 * 350 / width_px >= 8


def test_outside_ipython_the_backend_is_untouched(monkeypatch):
    """without IPython only rcParams change: no inline backend is asked"""
    monkeypatch.setattr(_figures, "_ipython", lambda: None)
    called = []
    import matplotlib_inline.backend_inline as inline
    monkeypatch.setattr(inline, "set_matplotlib_formats",
                        lambda *a, **k: called.append(a))
    use_book_style()
    assert called == []


def test_in_ipython_figures_are_svg(monkeypatch):
    """in IPython the inline backend is switched to SVG without a date"""
    monkeypatch.setattr(_figures, "_ipython", lambda: object())
    called = []
    import matplotlib_inline.backend_inline as inline
    monkeypatch.setattr(inline, "set_matplotlib_formats",
                        lambda *a, **k: called.append((a, k)))
    use_book_style()
    assert called == [(("svg",), {"metadata": {"Date": None}})]
    called.clear()
    use_book_style(svg=False)
    assert called == []


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_svg_must_be_a_bool(bad):
    """svg=... other than True or False: TypeError naming the argument"""
    with pytest.raises(TypeError, match=r"svg must be True or False, got"):
        use_book_style(svg=bad)


# A figure of each kind the chapters draw: lines with a legend, a shaded
# band, a scatter and an image (imshow embeds a PNG in the SVG).
FIGURE_CODE = (
    "from IPython.testing.globalipapp import start_ipython\n"
    "ip = start_ipython()\n"
    "# a terminal shell shows text only; a notebook's shows all\n"
    "formatter = ip.display_formatter\n"
    "formatter.active_types = formatter.format_types\n"
    "from py4eng_jax import use_book_style\n"
    "use_book_style()\n"
    "import numpy as np\n"
    "import matplotlib.pyplot as plt\n"
    "outs = []\n"
    "for _ in range(2):\n"
    "    fig, (ax, ax2) = plt.subplots(1, 2)\n"
    "    ax.plot([0, 1, 2], [1, 0, 1], label='a')\n"
    "    ax.fill_between([0, 1, 2], [0, 0, 0], [1, 1, 1], alpha=0.2)\n"
    "    ax.scatter([0.5, 1.5], [0.5, 0.2], label='b')\n"
    "    ax.legend()\n"
    "    ax2.imshow(np.arange(12.0).reshape(3, 4))\n"
    "    data, _ = ip.display_formatter.format(fig)\n"
    "    outs.append(data)\n"
    "    plt.close(fig)\n"
    "print(sorted(outs[0]))\n"
    "svg = outs[0].get('image/svg+xml', '')\n"
    "print(svg == outs[1].get('image/svg+xml'), '<svg' in svg,\n"
    "      '<dc:date>' in svg, '<image' in svg)\n"
    "import hashlib\n"
    "print(hashlib.sha256(svg.encode()).hexdigest())\n")


def _figure_in_a_fresh_process(tmp_path):
    done = subprocess.run([sys.executable, "-c", FIGURE_CODE],
                          capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()


def test_in_a_kernel_a_figure_comes_out_as_deterministic_svg(tmp_path):
    """a real IPython shell: the figure's output is SVG, the same twice in
    one process and the same text in another process

    This is what lets nbval compare figures (tests/sanitize.cfg does not
    blank them): a re-executed chapter must give byte-identical SVG.
    """
    first = _figure_in_a_fresh_process(tmp_path)
    assert first[-3] == "['image/svg+xml', 'text/plain']", first
    assert first[-2] == "True True False True", first
    second = _figure_in_a_fresh_process(tmp_path)
    assert second[-1] == first[-1], "the SVG differs between processes"


def test_the_sanitizer_blanks_no_figure_and_no_duration():
    """nbval compares figures and every output of an untimed cell

    Timing cells are tagged nbval-ignore-output instead (see
    tests/test_notebooks.py); a section blanking SVGs or "number + unit"
    everywhere would hide results such as a figure's data or a physical
    time in seconds.
    """
    text = (ROOT / "tests" / "sanitize.cfg").read_text(encoding="utf-8")
    sections = [line for line in text.splitlines() if line.startswith("[")]
    assert sections == ["[ipykernel_temp_paths]", "[memory_addresses]",
                        "[object_ids]"], sections
