"""NLU: named pipeline components (their contract: ``component.py``) that turn text into a ``ParseResult``.

Empty on purpose: importing the package loads no component (and so no spaCy or sklearn).
"""

__all__: list[str] = []
