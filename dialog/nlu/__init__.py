"""NLU: named pipeline components (docs/architecture.md, "NLU") that turn text into a ``ParseResult``.

Empty on purpose: importing the package loads no component (and so no spaCy or sklearn).
"""

__all__: list[str] = []
