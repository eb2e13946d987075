"""What the user sees a flow called, and what it does in words said to them.

A flow's ``name`` is written as the user would tap it ("Track my order"): it is the
title of the flow's button ("Would you like me to help with that?", "Did you mean
...?") and what ``utter_why_asked`` calls the request; without one, its id in words.
Its ``description`` is written about "the user" ("Tell the user where their order is
(status, carrier)"); said to the user it becomes "Tell you where your order is": the
skills the LLM prompt and the built-in "I don't have information about that" list.
"""

from __future__ import annotations

import re

from dialog.config.flow_model import Flow

__all__ = ["flow_title", "said_to_the_user"]

_SOMEONE = r"the user|the customer|the employee|the caller|the client|the patient|the guest|the member|the student|users|customers|clients"


def said_to_the_user(description: str) -> str:
    """The description's first clause, with "the user" as "you": "Tell the customer where
    their order is (carrier), after ..." -> "Tell you where your order is"."""
    text = re.sub(r"\([^)]*\)", "", " ".join(description.split()))
    text = re.split(r"[.;:]\s|, after\b|, then\b", text)[0]
    text = re.sub(rf"\b(?:an?\s+)?(?:{_SOMEONE.replace('the ', '')})'s\b|\b(?:{_SOMEONE})'s\b|\btheir\b", "your", text, flags=re.IGNORECASE)
    text = re.sub(rf"\b(?:{_SOMEONE})\b", "you", text, flags=re.IGNORECASE)
    return " ".join(text.split()).strip(" .,")


def flow_title(flow: Flow) -> str:
    """The flow's name, else its id in words ("report_outage" -> "Report outage"): a
    description says what the bot does ("Apologise for a frustrating experience and
    offer a technician"), which is no label a user would pick."""
    if flow.name and flow.name != flow.id:
        return flow.name
    text = flow.id.replace("_", " ").strip() or said_to_the_user(flow.description)
    return text[:1].upper() + text[1:]
