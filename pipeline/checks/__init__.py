"""Translation checks: errors block a language from publication, warnings inform.

- :mod:`~pipeline.checks.registry`: what a check is (``@check``, ``Severity``,
  ``Finding``, the ``Pair`` and ``Context`` it looks at) and every registered one;
- :mod:`~pipeline.checks.runner`: :func:`check_catalog` runs them over one catalog;
- the checks, by theme: :mod:`~pipeline.checks.gettext` (what ``msgfmt --check``
  rejects), :mod:`~pipeline.checks.markup` (Markdown, links, HTML),
  :mod:`~pipeline.checks.numbers`, :mod:`~pipeline.checks.glossary` and
  :mod:`~pipeline.checks.text` (empty, untranslated, punctuation, length…).

Adding a check is writing one small function in the module of its theme,
decorated with ``@check(name, ERROR or WARNING)``; its docstring's first line
is its title. The checks know nothing of caching or of the gate, which keeps
what they find (:mod:`pipeline.gate.facts`).
"""

# Importing a check module registers its checks. Within a severity, checks run
# and report in this order.
from pipeline.checks import gettext, markup, numbers, glossary, text  # noqa: F401
from pipeline.checks.registry import CHECKS, ERROR, WARNING, Finding, Severity, check
from pipeline.checks.runner import check_catalog

__all__ = ["CHECKS", "ERROR", "WARNING", "Finding", "Severity", "check", "check_catalog"]
