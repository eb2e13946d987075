"""Python actions of the ACME Assistant (named in domain.yml as ``actions:<function>``).

The order "database" is a fixed mock so demos and story tests are reproducible:

======  ==========  ===================  ======================================
id      status      product              what the bot may do
======  ==========  ===================  ======================================
123456  shipped     running shoes        track (UPS); too late to cancel
234567  processing  coffee maker         cancel, change the address
345678  delivered   wireless headphones  return
456789  returned    yoga mat             refund already paid
======  ==========  ===================  ======================================

Any other six-digit id is "not found". Actions never mutate the mock (no global
state): cancelling or changing an address answers as a real back end would and
records the outcome in slots. Replace ``ORDERS`` and the ``_submit_*`` helpers
with calls to your order system.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Mapping

__all__ = [
    "CATALOG",
    "ORDERS",
    "SHIPPING",
    "Order",
    "is_valid_email",
    "log_complaint",
    "lookup_order",
    "normalise_order_id",
    "order_slots",
    "reference_number",
    "send_password_reset",
    "shipping_quote",
    "shipping_slots",
    "start_return",
    "submit_cancellation",
    "update_address",
]

CATALOG = (
    "running shoes",
    "wireless headphones",
    "coffee maker",
    "yoga mat",
    "backpack",
    "smartwatch",
    "desk lamp",
    "water bottle",
)


@dataclass(frozen=True)
class Order:
    status: str  # processing | shipped | delivered | returned
    product: str
    carrier: str | None = None
    tracking_number: str | None = None
    eta: str | None = None
    refund_status: str = "none"  # none | pending | refunded
    refund_amount: str | None = None


ORDERS: Mapping[str, Order] = {
    "123456": Order("shipped", "running shoes", carrier="UPS", tracking_number="1Z999AA10123456784", eta="in 2 business days"),
    "234567": Order("processing", "coffee maker", eta="within 3 to 5 business days"),
    "345678": Order("delivered", "wireless headphones", carrier="DHL", tracking_number="JD014600003456780"),
    "456789": Order("returned", "yoga mat", carrier="UPS", refund_status="refunded", refund_amount="$29.99"),
}

# country -> (delivery time, cost); lower-case keys, the slot keeps the user's spelling
SHIPPING: Mapping[str, tuple[str, str]] = {
    "united states": ("3 to 5 business days", "free over $50, otherwise $4.99"),
    "canada": ("5 to 8 business days", "$9.99"),
    "united kingdom": ("4 to 6 business days", "$7.99"),
    "germany": ("4 to 6 business days", "$7.99"),
    "france": ("4 to 6 business days", "$7.99"),
    "spain": ("5 to 7 business days", "$7.99"),
    "italy": ("5 to 7 business days", "$7.99"),
    "netherlands": ("4 to 6 business days", "$7.99"),
    "ireland": ("4 to 6 business days", "$7.99"),
    "australia": ("7 to 12 business days", "$14.99"),
    "japan": ("6 to 10 business days", "$14.99"),
    "mexico": ("6 to 9 business days", "$12.99"),
}

_COUNTRY_ALIASES = {
    "usa": "united states",
    "us": "united states",
    "u.s.": "united states",
    "america": "united states",
    "the us": "united states",
    "the usa": "united states",
    "the states": "united states",
    "uk": "united kingdom",
    "the uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "england": "united kingdom",
    "scotland": "united kingdom",
    "wales": "united kingdom",
    "holland": "netherlands",
    "the netherlands": "netherlands",
    "deutschland": "germany",
}

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_ORDER_ID = re.compile(r"#?\s*(\d{3})[\s-]?(\d{3})")


def normalise_order_id(value: Any) -> str | None:
    """The six digits of ``#234567``, ``234567``, ``order 234567``, ``234 567`` or
    ``234-567``; None if there are none."""
    if value is None:
        return None
    text = str(value).strip()
    match = _ORDER_ID.search(text)
    if match is None or len(re.sub(r"\D", "", text)) != 6:
        return None
    return match.group(1) + match.group(2)


def is_valid_email(value: Any) -> bool:
    return value is not None and _EMAIL.match(str(value).strip()) is not None


def order_slots(order_id: Any) -> dict[str, Any]:
    """The slots that describe one order of the mock database."""
    digits = normalise_order_id(order_id)
    order = ORDERS.get(digits) if digits else None
    if order is None:
        return {
            "order_id": digits or order_id,
            "order_status": "not_found",
            "order_product": None,
            "carrier": None,
            "tracking_number": None,
            "eta": None,
            "cancellable": False,
            "returnable": False,
            "refund_status": "none",
            "refund_amount": None,
        }
    return {
        "order_id": digits,
        "order_status": order.status,
        "order_product": order.product,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "eta": order.eta,
        "cancellable": order.status == "processing",
        "returnable": order.status == "delivered",
        "refund_status": order.refund_status,
        "refund_amount": order.refund_amount,
    }


def shipping_slots(country: Any) -> dict[str, Any]:
    """Delivery time and cost for a country; ``ships_to`` False where ACME does not ship."""
    name = str(country or "").strip().lower().rstrip(".!?")
    name = _COUNTRY_ALIASES.get(name, name)
    if name not in SHIPPING:
        return {"ships_to": False, "shipping_time": None, "shipping_cost": None}
    time, cost = SHIPPING[name]
    return {"ships_to": True, "shipping_time": time, "shipping_cost": cost}


def reference_number(prefix: str, *parts: Any) -> str:
    """A stable reference like ``RMA-3F2A91``: the same request always gets the same number."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()
    return f"{prefix}-{digest[:6].upper()}"


# --- the actions (each takes an ActionContext and returns slot updates) ---


def validate_order_id(ctx) -> dict[str, Any]:
    """The order number as six digits: "482 910" and "482-910" are typed too."""
    return {"order_id": normalise_order_id(ctx.slots.get("order_id"))}


def lookup_order(ctx) -> dict[str, Any]:
    return order_slots(ctx.slots.get("order_id"))


def submit_cancellation(ctx) -> dict[str, Any]:
    slots = order_slots(ctx.slots.get("order_id"))
    if not slots["cancellable"]:
        return {"order_status": slots["order_status"], "cancellable": False}
    return {"order_status": "cancelled", "cancellable": False, "refund_status": "pending"}


def start_return(ctx) -> dict[str, Any]:
    order_id = normalise_order_id(ctx.slots.get("order_id"))
    return {"return_reference": reference_number("RMA", order_id, ctx.slots.get("product"))}


def update_address(ctx) -> dict[str, Any]:
    address = " ".join(str(ctx.slots.get("new_address") or "").split())
    return {"new_address": address, "address_reference": reference_number("ADR", ctx.slots.get("order_id"), address)}


def shipping_quote(ctx) -> dict[str, Any]:
    return shipping_slots(ctx.slots.get("country"))


def send_password_reset(ctx) -> dict[str, Any]:
    email = str(ctx.slots.get("email") or "").strip().lower()
    # A real shop would email a signed link here; say the same whether or not an
    # account exists, so the bot never reveals which addresses are customers.
    return {"email": email, "reset_sent": is_valid_email(email)}


def log_complaint(ctx) -> dict[str, Any]:
    text = ctx.latest_message.get("text", "") if ctx.latest_message else ""
    return {"complaint_reference": reference_number("CMP", ctx.sender_id, text)}
