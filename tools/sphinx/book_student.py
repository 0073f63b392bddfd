"""Sphinx extension: with ``hide_solutions``, gated solutions go too.

sphinx-exercise's ``hide_solutions`` drops a ``{solution}`` directive, but
for the gated form the chapters use (``{solution-start}`` ... prose and code
cells ... ``{solution-end}``) it drops only the start marker: the prose and
the solution's code cells, with their outputs, would stay in the page. This
extension replaces the start directive by one that, when solutions are
hidden, leaves a marker; a transform then removes everything from the
marker to the matching ``{solution-end}``, before sphinx-exercise would
merge them.

This works around sphinx-exercise issue #89, "Gated directives crash the
build when the start directive is suppressed (hide_solutions or
:hidden:)": https://github.com/executablebooks/sphinx-exercise/issues/89.
Once that is fixed upstream, this file and its entry in _config.yml can
go.

``make book-student`` (tools/build_student.py) builds with
``hide_solutions = True``; tests/test_student.py checks that no solution,
text or code, reaches the student edition.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx_exercise.directive import SolutionStartDirective
from sphinx_exercise.nodes import solution_end_node
from sphinx_exercise.transforms import MergeGatedSolutions

logger = logging.getLogger(__name__)


class hidden_solution(nodes.Invisible, nodes.Element):
    """Where a hidden gated solution starts (removed by the transform)."""


class StudentSolutionStart(SolutionStartDirective):
    """``{solution-start}`` that leaves a marker when solutions are hidden."""

    def run(self):
        result = super().run()
        if self.env.app.config.hide_solutions:
            marker = hidden_solution()
            self.set_source_info(marker)
            return [marker]
        return result


class RemoveHiddenSolutions(SphinxTransform):
    """Delete each hidden gated solution, up to its ``{solution-end}``."""

    # Before sphinx-exercise merges the gated solutions it finds.
    default_priority = MergeGatedSolutions.default_priority - 1

    def apply(self, **kwargs):
        for start in list(self.document.findall(hidden_solution)):
            parent = start.parent
            index = parent.index(start)
            siblings = parent.children[index:]
            end = next((i for i, node in enumerate(siblings)
                        if isinstance(node, solution_end_node)), None)
            if end is None:
                logger.warning("a {solution-start} without its "
                               "{solution-end} in the same section",
                               location=start)
                parent.remove(start)
                continue
            for node in siblings[:end + 1]:
                parent.remove(node)


def setup(app: Sphinx):
    app.setup_extension("sphinx_exercise")
    app.add_node(hidden_solution)
    app.add_directive("solution-start", StudentSolutionStart, override=True)
    app.add_transform(RemoveHiddenSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
