"""Python actions of the IT help desk bot, over a mock directory and ticket system.

Fixed mock data so demos and story tests are reproducible:

* accounts: alice@acme.com (active), bob@acme.com (disabled: needs an agent),
  carol@acme.com (active); any other @acme.com address is unknown.
* known outages: vpn and email (each has an open incident already).
* tickets: INC-1001 in progress (VPN), INC-1002 resolved (printer),
  REQ-2001 waiting for approval (Photoshop), REQ-2002 completed (Zoom).
* software catalog: which titles exist and which need a manager's approval.

Nothing is written anywhere (no global state); new tickets get a number derived
from their content, so the same request always gets the same number.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Mapping

__all__ = [
    "ACCOUNTS",
    "KNOWN_OUTAGES",
    "SOFTWARE",
    "TICKETS",
    "Ticket",
    "account_slots",
    "check_account",
    "check_known_outage",
    "check_software",
    "create_incident",
    "create_software_request",
    "lookup_ticket",
    "new_ticket_id",
    "normalise_ticket_id",
    "outage_slots",
    "software_slots",
    "ticket_slots",
]

ACCOUNTS: Mapping[str, str] = {
    "alice@acme.com": "active",
    "bob@acme.com": "disabled",
    "carol@acme.com": "active",
}

# system -> incident already open for it
KNOWN_OUTAGES: Mapping[str, str] = {"vpn": "INC-1001", "email": "INC-1003"}

# canonical title -> needs a manager's approval
SOFTWARE: Mapping[str, bool] = {
    "visual studio code": False,
    "slack": False,
    "zoom": False,
    "microsoft office": False,
    "adobe photoshop": True,
    "figma": True,
    "tableau": True,
    "pycharm": True,
}


@dataclass(frozen=True)
class Ticket:
    status: str  # open | in_progress | awaiting_approval | resolved | completed
    summary: str


TICKETS: Mapping[str, Ticket] = {
    "INC-1001": Ticket("in_progress", "VPN connections dropping"),
    "INC-1002": Ticket("resolved", "Printer on floor 3 jammed"),
    "INC-1003": Ticket("in_progress", "Email delivery delayed"),
    "REQ-2001": Ticket("awaiting_approval", "Adobe Photoshop licence"),
    "REQ-2002": Ticket("completed", "Zoom installation"),
}

_SOFTWARE_ALIASES = {
    "vscode": "visual studio code",
    "vs code": "visual studio code",
    "photoshop": "adobe photoshop",
    "office": "microsoft office",
    "word": "microsoft office",
    "excel": "microsoft office",
}

_TICKET = re.compile(r"\b(INC|REQ)[-\s]?(\d{4})\b", re.IGNORECASE)


def normalise_ticket_id(value: Any) -> str | None:
    """``INC-1001`` for ``inc1001``, ``INC 1001`` or ``ticket INC-1001``; None if there is none."""
    match = _TICKET.search(str(value or ""))
    return f"{match.group(1).upper()}-{match.group(2)}" if match else None


def new_ticket_id(prefix: str, *parts: Any) -> str:
    """A stable new ticket number outside the range of the existing ones (5000-9999)."""
    digest = hashlib.sha256("|".join(str(part).lower() for part in parts).encode()).hexdigest()
    return f"{prefix}-{5000 + int(digest[:8], 16) % 5000}"


def account_slots(email: Any) -> dict[str, Any]:
    address = str(email or "").strip().lower()
    return {"work_email": address, "account_status": ACCOUNTS.get(address, "unknown")}


_SYSTEM_ALIASES = {"outlook": "email", "mail": "email", "e-mail": "email", "vpn": "vpn"}


def outage_slots(system: Any) -> dict[str, Any]:
    """Whether ``system`` ("VPN", "the vpn", "outlook") has a known outage."""
    words = re.findall(r"[a-z-]+", str(system or "").lower())
    names = {_SYSTEM_ALIASES.get(word, word) for word in words}
    incident = next((KNOWN_OUTAGES[name] for name in sorted(names) if name in KNOWN_OUTAGES), None)
    return {"known_outage": incident is not None, "known_incident": incident}


def software_slots(software: Any) -> dict[str, Any]:
    title = " ".join(str(software or "").lower().split())
    title = _SOFTWARE_ALIASES.get(title, title)
    if title not in SOFTWARE:
        return {"software_available": False, "needs_approval": False}
    return {"software_available": True, "needs_approval": SOFTWARE[title]}


def ticket_slots(ticket_id: Any) -> dict[str, Any]:
    number = normalise_ticket_id(ticket_id)
    ticket = TICKETS.get(number) if number else None
    if ticket is None:
        return {"ticket_id": number or ticket_id, "ticket_status": "not_found", "ticket_summary": None}
    return {"ticket_id": number, "ticket_status": ticket.status, "ticket_summary": ticket.summary}


# --- the actions (each takes an ActionContext and returns slot updates) ---


def check_account(ctx) -> dict[str, Any]:
    return account_slots(ctx.slots.get("work_email"))


def check_known_outage(ctx) -> dict[str, Any]:
    return outage_slots(ctx.slots.get("system"))


def create_incident(ctx) -> dict[str, Any]:
    slots = ctx.slots
    return {"created_ticket": new_ticket_id("INC", ctx.sender_id, slots.get("system"), slots.get("issue_description"))}


def check_software(ctx) -> dict[str, Any]:
    return software_slots(ctx.slots.get("software"))


def create_software_request(ctx) -> dict[str, Any]:
    slots = ctx.slots
    status = "awaiting_approval" if slots.get("needs_approval") else "open"
    return {"created_ticket": new_ticket_id("REQ", ctx.sender_id, slots.get("software")), "request_status": status}


def lookup_ticket(ctx) -> dict[str, Any]:
    return ticket_slots(ctx.slots.get("ticket_id"))
