"""Reading and checking request bodies; every problem is a ``ChannelError`` (4xx).

The body is limited twice: by its declared ``Content-Length`` before reading, and
by counting while reading (chunked uploads declare nothing). It must be UTF-8 JSON
whose strings encode back to UTF-8 (no lone surrogates, which no store can keep).
Nothing here touches a conversation, so a rejected request never changes one.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from dialog.errors import ChannelError

__all__ = ["MAX_ID_CHARS", "MessagePayload", "check_sender", "message_payload", "read_json", "text_field"]

MAX_ID_CHARS = 256


async def read_json(request: Request, max_bytes: int) -> Any:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ChannelError("Content-Length is not a number", 400)
        if int(declared) > max_bytes:
            raise ChannelError(f"body is {declared} bytes; the limit is {max_bytes}", 413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise ChannelError(f"body is over the limit of {max_bytes} bytes", 413)
    if not body:
        raise ChannelError("empty body; expected a JSON object", 400)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ChannelError(f"body is not UTF-8 (byte {exc.start})", 400) from exc
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ChannelError(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", 400) from exc
    except RecursionError as exc:
        raise ChannelError("malformed JSON: nested too deeply", 400) from exc
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ChannelError("body contains an unpaired surrogate (\\ud800-\\udfff); not valid Unicode", 400) from exc
    except (RecursionError, ValueError) as exc:
        raise ChannelError("malformed JSON: nested too deeply", 400) from exc
    return data


def _reject_constant(name: str) -> None:
    """NaN and Infinity are not JSON (RFC 8259); Python accepts them, our answers could not echo them."""
    raise ChannelError(f"malformed JSON: {name} is not a JSON number", 400)


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ChannelError(f"body must be a JSON object, not {_json_type(data)}", 400)
    return data


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def text_field(data: Any, key: str, max_chars: int) -> str:
    """A required non-blank string field of at most ``max_chars`` characters."""
    body = _object(data)
    if key not in body:
        raise ChannelError(f"missing field '{key}'", 400)
    value = body[key]
    if not isinstance(value, str):
        raise ChannelError(f"field '{key}' must be a string, not {_json_type(value)}", 400)
    if not value.strip():
        raise ChannelError(f"field '{key}' is empty", 400)
    if len(value) > max_chars:
        raise ChannelError(f"field '{key}' has {len(value)} characters; the limit is {max_chars}", 413)
    return value


def check_sender(sender: str, where: str = "field 'sender'") -> str:
    """A conversation id: non-blank, at most MAX_ID_CHARS, no control characters."""
    if not sender.strip():
        raise ChannelError(f"{where} is empty", 400)
    if len(sender) > MAX_ID_CHARS:
        raise ChannelError(f"{where} has {len(sender)} characters; the limit is {MAX_ID_CHARS}", 400)
    if any(unicodedata.category(char) == "Cc" for char in sender):
        raise ChannelError(f"{where} contains control characters", 400)
    return sender


@dataclass(frozen=True)
class MessagePayload:
    sender: str
    message: str
    metadata: dict[str, Any] = field(default_factory=dict)


def message_payload(data: Any, max_chars: int) -> MessagePayload:
    """The Rasa REST body ``{"sender": ..., "message": ..., "metadata": {...}}``."""
    body = _object(data)
    if "sender" not in body:
        raise ChannelError("missing field 'sender'", 400)
    sender = body["sender"]
    if not isinstance(sender, str):
        raise ChannelError(f"field 'sender' must be a string, not {_json_type(sender)}", 400)
    check_sender(sender)
    message = text_field(body, "message", max_chars)
    metadata = body.get("metadata")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ChannelError(f"field 'metadata' must be an object, not {_json_type(metadata)}", 400)
    return MessagePayload(sender, message, metadata)
