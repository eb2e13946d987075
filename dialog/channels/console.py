"""The console channel behind ``dialog shell``.

Interactive (a terminal): a prompt_toolkit prompt with history, LLM replies
printed token by token as they are generated. Piped (no terminal): one user
message per input line, replies written one per line with no prompt, so a
conversation can be scripted (``printf 'hi\\n/restart\\n' | dialog shell bot``).

Either way, buttons are listed as numbered choices and typing a number sends
that button's payload; ``/exit`` (or end of input) ends the chat, and
``--debug`` prints each turn's parse, slot changes and flow stack to stderr.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable

from dialog.channels.base import InputChannel, OutputChannel
from dialog.channels.bot_api import ChannelBot
from dialog.types import Button, Reply

if TYPE_CHECKING:
    from dialog.bot import BotTurn

__all__ = ["EXIT_COMMANDS", "ConsoleInputChannel", "ConsoleOutputChannel", "describe_turn"]

EXIT_COMMANDS = ("/exit", "/quit")
Write = Callable[[str], None]


class ConsoleOutputChannel(OutputChannel):
    """Writes replies as lines; remembers the last turn's buttons for number choices."""

    name = "console"

    def __init__(self, write: Write, prefix: str = "") -> None:
        self.write = write
        self.prefix = prefix
        self.buttons: list[Button] = []

    async def send_reply(self, recipient_id: str, reply: Reply) -> None:
        if reply.text:
            self.write(self.prefix + reply.text)
        if reply.image:
            self.write(f"{self.prefix}[image: {reply.image}]")
        for button in reply.buttons:
            self.buttons.append(button)
            self.write(f"  {len(self.buttons)}. {button.title}")


def describe_turn(turn: BotTurn) -> list[str]:
    """The ``--debug`` lines for one turn: parse, slot changes, flow stack."""
    parse = turn.parse
    entities = ", ".join(f"{e.entity}={e.value!r}" + (f" ({e.extractor})" if e.extractor else "") for e in parse.entities)
    lines = [f"intent: {parse.intent} ({parse.confidence:.2f})" + (f"  entities: {entities}" if entities else "")]
    changes = [f"{e['name']}={e.get('value')!r}" for e in turn.events if e.get("event") == "slot"]
    if changes:
        lines.append("slots: " + ", ".join(changes))
    flows = [e.get("event", "") + " " + str(e.get("flow_id")) for e in turn.events if str(e.get("event", "")).startswith("flow_")]
    if flows:
        lines.append("flow events: " + ", ".join(flows))
    state = turn.state
    if state.stack:
        stack = " > ".join(f"{frame.flow_id}[{frame.status}]" for frame in state.stack)
        waiting = f"  waiting for: {state.requested_slot}" if state.requested_slot else ""
        lines.append(f"flow stack: {stack}{waiting}")
    else:
        lines.append("flow stack: (empty)")
    if state.paused:
        lines.append("handed off to a human: the bot is silent until /restart")
    lines.extend(describe_knowledge(turn.events))
    llm = [e for e in turn.events if e.get("event") == "llm_fallback"]
    if llm:
        lines.append(f"llm fallback: {llm[-1].get('outcome')} ({llm[-1].get('model')}, {llm[-1].get('latency_ms')} ms)")
    return lines


def describe_knowledge(events: list[dict[str, Any]]) -> list[str]:
    """``knowledge: extractive, relevance 0.61, from shipping.md > Shipping > Express delivery``."""
    lines = []
    for event in events:
        found = (event.get("metadata") or {}).get("knowledge") if event.get("event") == "bot" else None
        if found:
            sources = "; ".join(" > ".join(filter(None, (s.get("file"), s.get("heading")))) for s in found.get("sources", []))
            where = f", from {sources}" if sources else ", nothing relevant enough"
            lines.append(f"knowledge: {found.get('mode')}, relevance {found.get('relevance')}{where}")
    return lines


class ConsoleInputChannel(InputChannel):
    """Reads user lines, resolves button numbers, prints replies (and debug lines)."""

    name = "console"

    def __init__(
        self,
        sender_id: str,
        write: Write,
        *,
        write_partial: Write | None = None,
        write_debug: Write | None = None,
        debug: bool = False,
        prefix: str = "",
    ) -> None:
        self.sender_id = sender_id
        self.output = ConsoleOutputChannel(write, prefix)
        self.write = write
        self.write_partial = write_partial  # set: stream LLM tokens as they come
        self.write_debug = write_debug or write
        self.debug = debug

    def resolve(self, line: str) -> str | None:
        """The text to send for an input line; None to end the chat, "" to ignore the line."""
        text = line.strip()
        if text.lower() in EXIT_COMMANDS:
            return None
        if text.isdigit() and 1 <= int(text) <= len(self.output.buttons):
            titled = [button for button in self.output.buttons if button.title.strip() == text]
            return (titled[0] if titled else self.output.buttons[int(text) - 1]).payload  # a button titled "2" is "2"
        return text

    async def turn(self, bot: ChannelBot, text: str) -> list[Reply]:
        """Send one user message and print what comes back."""
        streamed: list[str] = []
        on_token = self._on_token(streamed) if self.write_partial is not None else None
        result = await bot.handle_turn(self.message(self.sender_id, text), on_token=on_token)
        shown = "".join(streamed)
        if shown and self.write_partial is not None:
            self.write_partial("\n")
        self.output.buttons = []
        for reply in result.replies:
            if shown and reply.text == shown and not reply.buttons:
                shown = ""  # already printed token by token
                continue
            await self.output.send_reply(self.sender_id, reply)
        if self.debug:
            for line in describe_turn(result):
                self.write_debug(f"  [debug] {line}")
        return result.replies

    def _on_token(self, streamed: list[str]) -> Callable[[str], Awaitable[None]]:
        write_partial = self.write_partial
        assert write_partial is not None

        async def on_token(piece: str) -> None:
            if not streamed:
                write_partial(self.output.prefix)
            streamed.append(piece)
            write_partial(piece)

        return on_token

    async def run_lines(self, bot: ChannelBot, lines: Iterable[str]) -> int:
        """Chat over an iterable of input lines (piped stdin); returns the number of turns."""
        turns = 0
        for line in lines:
            text = self.resolve(line)
            if text is None:
                break
            if not text:
                continue
            await self.turn(bot, text)
            turns += 1
        return turns

    async def run_interactive(self, bot: ChannelBot, history_path: Any = None, prompt: str = "you> ") -> int:
        """Chat in a terminal with a prompt_toolkit prompt; Ctrl-D or /exit ends it."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory, InMemoryHistory

        history = FileHistory(str(history_path)) if history_path is not None else InMemoryHistory()
        session: PromptSession[str] = PromptSession(history=history)
        turns = 0
        while True:
            try:
                line = await session.prompt_async(prompt)
            except (EOFError, KeyboardInterrupt):
                return turns
            text = self.resolve(line)
            if text is None:
                return turns
            if text:
                await self.turn(bot, text)
                turns += 1
