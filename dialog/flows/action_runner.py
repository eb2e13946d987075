"""Load and run the custom actions of a domain (``name: module:function`` in domain.yml).

Actions listed Rasa-style in a bot with an endpoints.yml ``action_endpoint`` run on
that Rasa action server instead (``action_server.ActionServer``).

Action modules live in the domain folder. They are imported as submodules of a
synthetic package named after that folder (``_dialog_domain_<hash>``), so two
domains may both have an ``actions.py``, relative imports between a domain's
own modules work (``from .orders import ORDERS``), and ``sys.path`` is left
alone. Functions may be sync (run in a worker thread, so a slow one does not
block other conversations) or async.

Whatever the action raises is wrapped in ``ActionError``; the engine logs it,
answers ``utter_internal_error`` and records none of the action's slot updates.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import importlib.util
import inspect
import logging
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from dialog.actions import ActionContext, ActionResult
from dialog.config.models import ACTION_SERVER
from dialog.errors import ActionError
from dialog.flows.rasa_sdk_actions import rasa_sdk_error

if TYPE_CHECKING:
    from dialog.flows.action_server import ActionServer

__all__ = ["ActionRunner", "normalise_result"]

logger = logging.getLogger(__name__)


def normalise_result(name: str, value: Any) -> ActionResult:
    """An action may return None, a dict of slot updates, or an ``ActionResult``."""
    if value is None:
        return ActionResult()
    if isinstance(value, ActionResult):
        return value
    if isinstance(value, Mapping):
        return ActionResult(slots=dict(value))
    raise ActionError(f"action '{name}' returned {type(value).__name__}; expected None, a dict or an ActionResult")


def _no_server(name: str) -> str:
    return f"action '{name}' runs on the action server, but endpoints.yml names none"


class ActionRunner:
    """Resolves action names of one domain to callables, once each, and runs them."""

    def __init__(self, actions: Mapping[str, str], root: Path | str, server: ActionServer | None = None) -> None:
        self.actions = dict(actions)
        self.root = Path(root).resolve()
        self.server = server  # runs the actions whose reference is ACTION_SERVER
        self._package = "_dialog_domain_" + hashlib.sha1(str(self.root).encode()).hexdigest()[:12]
        self._functions: dict[str, Callable[..., Any]] = {}
        self._runnable: dict[str, bool] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.actions

    def runnable(self, name: str) -> bool:
        """Whether ``name`` can run here: on the configured action server, or a function
        that imports. For optional calls (validation); the reason it cannot is logged once."""
        if name not in self._runnable:
            if name not in self.actions:
                self._runnable[name] = False
            elif self.actions[name] == ACTION_SERVER:
                self._runnable[name] = self.server is not None
                if self.server is None:
                    logger.warning("%s: it is not run", _no_server(name))
            else:
                try:
                    self.function(name)
                    self._runnable[name] = True
                except ActionError as exc:
                    logger.warning("%s: it is not run", exc)
                    self._runnable[name] = False
        return self._runnable[name]

    def function(self, name: str) -> Callable[..., Any]:
        """The callable behind ``name``; raises ActionError when it cannot be loaded."""
        if name in self._functions:
            return self._functions[name]
        if name not in self.actions:
            raise ActionError(f"unknown action '{name}'; domain.yml defines: {', '.join(sorted(self.actions)) or 'none'}")
        reference = self.actions[name]
        module_name, _, attribute = reference.partition(":")
        if not module_name or not attribute:
            raise ActionError(f"action '{name}': '{reference}' is not of the form module:function")
        try:
            module = self._import(name, module_name)
            function = getattr(module, attribute, None)
            if not callable(function):
                raise ActionError(f"action '{name}': {module_name}.py in {self.root} has no function '{attribute}'")
        except ActionError as exc:
            rasa_sdk = rasa_sdk_error(name, self.root, exc) if reference == f"actions:{name}" else None  # a Rasa-listed name
            if rasa_sdk is None:
                raise
            raise rasa_sdk from exc
        self._functions[name] = function
        return function

    async def run(self, name: str, context: ActionContext) -> ActionResult:
        """Run the action; anything it raises comes back as ``ActionError``."""
        if self.actions.get(name) == ACTION_SERVER:
            if self.server is None:
                raise ActionError(_no_server(name))
            return await self.server.run(name, context)
        function = self.function(name)
        try:
            if inspect.iscoroutinefunction(function):
                value = await function(context)
            else:
                value = await asyncio.to_thread(function, context)
                if inspect.isawaitable(value):
                    value = await value
        # A user-written action may raise anything; this is the one boundary where
        # that is caught, so the conversation survives a bug in domain code.
        except Exception as exc:  # noqa: BLE001
            logger.exception("action '%s' raised", name)
            raise ActionError(f"action '{name}' raised {type(exc).__name__}: {exc}") from exc
        return normalise_result(name, value)

    def _ensure_package(self) -> None:
        if self._package in sys.modules:
            return
        package = types.ModuleType(self._package)
        package.__path__ = [str(self.root)]
        package.__package__ = self._package
        sys.modules[self._package] = package

    def _import(self, name: str, module_name: str) -> types.ModuleType:
        self._ensure_package()
        qualified = f"{self._package}.{module_name}"
        if qualified in sys.modules:
            return sys.modules[qualified]
        relative = Path(*module_name.split("."))
        if not (self.root / relative.with_suffix(".py")).is_file() and not (self.root / relative / "__init__.py").is_file():
            raise ActionError(f"action '{name}': no module {relative.with_suffix('.py')} in {self.root}")
        try:
            return importlib.import_module(qualified)
        # Importing the domain's code runs it; any error there is the author's.
        except Exception as exc:  # noqa: BLE001
            sys.modules.pop(qualified, None)
            raise ActionError(f"action '{name}': importing {module_name} failed: {type(exc).__name__}: {exc}") from exc
