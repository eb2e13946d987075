"""The one exception tree of dialog.

An error is caught only where it becomes what a user sees: ``cli`` (exit codes),
``channels`` (an HTTP status), the story runner (a failed case), the dialogue engine
for a failed action (``utter_internal_error``) and the LLM fallback for a failed
model (``utter_default``); the YAML readers collect ``ConfigError`` problems to
report them all at once. Everything else lets it travel (docs/architecture.md).

    DialogError            exit code 2 unless stated
      ConfigError          .problems, each with path:line:col
      ComponentError       names the component
      ModelError           missing or unreadable trained model
      FlowError            unknown step / slot / flow at run time
      TemplateError        names the response and the file
      ActionError          a custom action failed or is missing
      LLMError             the language model failed or timed out
      StoreError           the conversation store failed
      ChannelError         bad inbound payload; .status is the HTTP status
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ActionError",
    "ChannelError",
    "ComponentError",
    "ConfigError",
    "DialogError",
    "FlowError",
    "LLMError",
    "ModelError",
    "Problem",
    "StoreError",
    "TemplateError",
]


class DialogError(Exception):
    """Base of every error dialog raises on purpose; ``show()`` is what a user reads."""

    exit_code = 2

    def show(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{self.path}: {self.message}"


class ConfigError(DialogError):
    """One or more problems in a bot's YAML files, all reported at once."""

    def __init__(self, problems: list[Problem] | Problem | str, path: str | Path = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(str(path), 0, 0, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = sorted(problems, key=lambda p: (p.path, p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self) -> str:
        """One problem on the error line; several under a count, each on its own ``file:line:col`` line."""
        if len(self.problems) <= 1:
            return str(self)
        return f"{len(self.problems)} problems:\n{self}"

    @property
    def path(self) -> str:
        return self.problems[0].path if self.problems else ""

    @property
    def line(self) -> int:
        return self.problems[0].line if self.problems else 0

    @property
    def column(self) -> int:
        return self.problems[0].column if self.problems else 0


class ComponentError(DialogError):
    """A pipeline component is unknown, misconfigured or failed."""

    def __init__(self, component: str, message: str) -> None:
        self.component = component
        super().__init__(f"component '{component}': {message}")


class ModelError(DialogError):
    """A trained model is missing, stale or unreadable."""


class FlowError(DialogError):
    """A flow refers to a step, slot or flow that does not exist."""


class TemplateError(DialogError):
    """A response template failed to render; names the response and its file."""

    def __init__(self, response: str, message: str, path: str = "") -> None:
        self.response = response
        self.path = path
        where = f"{path}: " if path else ""
        super().__init__(f"{where}response '{response}': {message}")


class ActionError(DialogError):
    """A custom action is missing or raised."""


class LLMError(DialogError):
    """The language model failed, is unavailable, or timed out."""


class StoreError(DialogError):
    """The conversation store could not be read or written."""


class ChannelError(DialogError):
    """An inbound request is malformed; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        self.status = status
        super().__init__(message)
