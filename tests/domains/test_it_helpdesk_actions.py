"""The pure logic of domains/it_helpdesk/actions.py: accounts, outages, software, tickets."""

from __future__ import annotations

import pytest

from dialog.actions import ActionContext
from dialog.config import load_bot
from tests.domains.shipped import domain_path, load_actions

DOMAIN = domain_path("it_helpdesk")
actions = load_actions("it_helpdesk")


def ctx(sender_id: str = "u1", **slots: object) -> ActionContext:
    return ActionContext(sender_id=sender_id, slots=slots, latest_message={})


@pytest.mark.parametrize(
    ("email", "status"),
    [("alice@acme.com", "active"), ("Bob@ACME.com ", "disabled"), ("zed@acme.com", "unknown")],
)
def test_accounts(email: str, status: str) -> None:
    assert actions.check_account(ctx(work_email=email))["account_status"] == status


@pytest.mark.parametrize(
    ("system", "incident"),
    [("vpn", "INC-1001"), ("the VPN", "INC-1001"), ("Outlook", "INC-1003"), ("email", "INC-1003"), ("printer", None), (None, None)],
)
def test_known_outages(system: str | None, incident: str | None) -> None:
    slots = actions.check_known_outage(ctx(system=system))
    assert slots == {"known_outage": incident is not None, "known_incident": incident}


@pytest.mark.parametrize(
    ("software", "available", "approval"),
    [("slack", True, False), ("VS Code", True, False), ("Photoshop", True, True), ("adobe photoshop", True, True), ("minecraft", False, False)],
)
def test_software_catalog(software: str, available: bool, approval: bool) -> None:
    assert actions.check_software(ctx(software=software)) == {"software_available": available, "needs_approval": approval}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("INC-1001", "INC-1001"), ("inc1001", "INC-1001"), ("REQ 2001", "REQ-2001"), ("ticket inc-1002 please", "INC-1002"), ("1234", None), ("INC-12345", None)],
)
def test_normalise_ticket_id(raw: str, expected: str | None) -> None:
    assert actions.normalise_ticket_id(raw) == expected


def test_ticket_lookup() -> None:
    assert actions.lookup_ticket(ctx(ticket_id="req2001"))["ticket_status"] == "awaiting_approval"
    assert actions.lookup_ticket(ctx(ticket_id="INC-4444")) == {"ticket_id": "INC-4444", "ticket_status": "not_found", "ticket_summary": None}


def test_new_tickets_are_stable_and_never_collide_with_existing_ones() -> None:
    first = actions.create_incident(ctx("u1", system="printer", issue_description="jammed"))["created_ticket"]
    assert first == actions.create_incident(ctx("u1", system="printer", issue_description="jammed"))["created_ticket"]
    for sender in ("a", "b", "c", "d"):
        number = actions.create_incident(ctx(sender, system="wifi", issue_description="down"))["created_ticket"]
        assert number not in actions.TICKETS and 5000 <= int(number.split("-")[1]) < 10000


def test_software_request_status_follows_approval() -> None:
    assert actions.create_software_request(ctx(software="figma", needs_approval=True))["request_status"] == "awaiting_approval"
    assert actions.create_software_request(ctx(software="zoom", needs_approval=False))["request_status"] == "open"


def test_every_slot_an_action_sets_exists_in_domain_yml() -> None:
    slots = set(load_bot(DOMAIN).domain.slots)
    produced: set[str] = set()
    for name in ("check_account", "check_known_outage", "create_incident", "check_software", "create_software_request", "lookup_ticket"):
        produced |= set(getattr(actions, name)(ctx()))
    assert produced <= slots, produced - slots
