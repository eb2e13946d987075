"""What counts as a checkable fact in a text, and whether a text speaks of the business.

Shared by the knowledge answers' grounding check (``dialog.knowledge.grounding``), the
engine's check of LLM replies (``dialog.flows.search``) and the fallback's fact guard
(``dialog.llm.fact_guard``), so all of them judge the same words the same way. It sits
with the LLM code because that is the lowest layer all three may import.
"""

from __future__ import annotations

import re

__all__ = ["BUSINESS_WORDS", "GENERIC_NAME_WORDS", "business_names", "facts", "speaks_of_business"]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')]*[^\s<>\"').,;:!?]", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
# A capitalised word not at the start of a sentence, or a run of them ("American Express")
_NAME = re.compile(r"(?<![.!?:]\s)\b[A-Z][\w'&-]*(?:\s+[A-Z][\w'&-]*)*")
_COMMON_CAPITALS = frozenset({"I", "I'm", "I'll", "I've", "I'd", "OK", "Yes", "No", "Sorry"})

# Words of an assistant's name or persona that name no business ("the ACME Assistant").
GENERIC_NAME_WORDS = frozenset({"a", "an", "the", "assistant", "bot", "chatbot", "agent", "helper", "virtual", "support", "help", "desk"})
# Nouns of a shop's own facts: a question or reply with one is about the business.
BUSINESS_WORDS = frozenset(
    ["ceo", "cto", "cfo", "founder", "founders", "owner", "owners", "manager", "managers", "staff", "employee", "employees", "headquarters", "office", "offices", "company", "branch", "branches", "store", "stores", "shop", "shops", "location", "locations", "price", "prices", "pricing", "cost", "costs", "fee", "fees", "policy", "policies", "discount", "discounts", "coupon", "coupons", "warranty", "guarantee", "refund", "refunds", "return", "returns", "shipping", "shipped", "delivery", "deliveries", "deliver", "delivered", "parcel", "parcels", "voucher", "vouchers", "order", "orders", "account", "membership", "subscription", "hours", "sale", "sales", "promotion", "promotions", "promo", "promos", "deal", "deals", "plan", "plans", "contract", "contracts", "bill", "bills", "billing", "invoice", "invoices", "payment", "payments", "appointment", "appointments", "booking", "bookings", "reservation", "reservations", "event", "events", "opening", "schedule", "tariff", "tariffs"]
)


def business_names(assistant_name: str, persona: str) -> frozenset[str]:
    """The capitalised words of the bot's name and persona that name the business ("acme")."""
    found = {word.lower() for word in re.findall(r"[A-Za-z][\w&'-]+", f"{assistant_name} {persona}") if word[0].isupper()}
    return frozenset(found - GENERIC_NAME_WORDS)


def speaks_of_business(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` names the business or one of its own facts (a price, a policy, an order...)."""
    words = {word.lower().removesuffix("'s") for word in re.findall(r"[\w&'-]+", text)}
    return bool(names & words or BUSINESS_WORDS & words)


def facts(text: str) -> list[str]:
    """The checkable facts of ``text``: e-mail addresses, URLs, numbers and proper names."""
    found: list[str] = []
    rest = text
    for pattern in (_EMAIL, _URL):
        found.extend(pattern.findall(rest))
        rest = pattern.sub(" ", rest)
    found.extend(_NUMBER.findall(rest))
    for sentence in re.split(r"(?<=[.!?])\s+", rest.strip()):
        words = sentence.split(maxsplit=1)
        body = words[1] if len(words) > 1 else ""  # the first word is capitalised anyway
        found.extend(name for name in _NAME.findall(body) if name not in _COMMON_CAPITALS)
    return [fact.strip(".,;:") for fact in found if fact.strip(".,;:")]
