"""The one Jinja2 sandbox used for response templates and flow conditions.

Templates and conditions come from bot authors' YAML, so they run in a
``SandboxedEnvironment`` with ``StrictUndefined``: a typo is an error, never an
empty string. ``is matching "regex"`` is ours (Jinja2 has no regex test).
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from typing import Any, Callable

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from dialog.dates import FILTERS

__all__ = ["TEMPLATE_NAMES", "compile_condition", "make_environment", "template_variables"]

# The names a response template or a flow condition may use.
TEMPLATE_NAMES = frozenset({"slots", "latest_message", "sender_id", "context", "now", "today"})


def _matching(value: Any, pattern: str) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


@lru_cache(maxsize=1)
def make_environment() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    environment.tests["matching"] = _matching
    environment.tests["matches"] = _matching
    environment.filters.update(FILTERS)  # date, time_of_day, weekday, hour, days_after
    return environment


def compile_condition(expression: str) -> Callable[..., Any]:
    """A callable evaluating ``expression`` over keyword variables; raises TemplateSyntaxError.

    Jinja2 decodes string literals with Python's ``unicode-escape``, which warns on
    regex escapes such as ``"^\\d{6}$"`` but keeps them as written; that is what
    authors mean, so the warning is silenced here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        return make_environment().compile_expression(expression, undefined_to_none=False)


def template_variables(source: str) -> set[str]:
    """Top-level names a template or expression reads; raises TemplateSyntaxError."""
    environment = make_environment()
    return set(meta.find_undeclared_variables(environment.parse(source)))


def is_valid_syntax(source: str) -> str | None:
    """None when ``source`` parses, else the syntax error message."""
    try:
        make_environment().parse(source)
    except TemplateSyntaxError as exc:
        return exc.message or str(exc)
    return None
