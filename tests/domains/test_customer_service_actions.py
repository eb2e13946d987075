"""The pure logic of domains/customer_service/actions.py: the mock order database,
order-id normalisation, shipping quotes and the actions' slot updates."""

from __future__ import annotations

import pytest

from dialog.actions import ActionContext
from dialog.config import load_bot
from tests.domains.shipped import domain_path, load_actions

DOMAIN = domain_path("customer_service")
actions = load_actions("customer_service")


def ctx(sender_id: str = "u1", text: str = "", **slots: object) -> ActionContext:
    return ActionContext(sender_id=sender_id, slots=slots, latest_message={"text": text})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("234567", "234567"),
        ("#234567", "234567"),
        (" # 234567 ", "234567"),
        ("order 234567", "234567"),
        ("12345", None),
        ("1234567", None),
        ("abc", None),
        (None, None),
        (234567, "234567"),
        ("482 910", "482910"),
        ("#234-567", "234567"),
        ("12 3456", None),
    ],
)
def test_normalise_order_id(raw: object, expected: str | None) -> None:
    assert actions.normalise_order_id(raw) == expected


def test_validate_order_id_stores_the_six_digits() -> None:
    assert actions.validate_order_id(ctx(order_id="482 910")) == {"order_id": "482910"}


@pytest.mark.parametrize(
    ("order_id", "status", "product", "cancellable", "returnable", "refund"),
    [
        ("123456", "shipped", "running shoes", False, False, "none"),
        ("234567", "processing", "coffee maker", True, False, "none"),
        ("345678", "delivered", "wireless headphones", False, True, "none"),
        ("456789", "returned", "yoga mat", False, False, "refunded"),
    ],
)
def test_mock_orders(order_id: str, status: str, product: str, cancellable: bool, returnable: bool, refund: str) -> None:
    slots = actions.lookup_order(ctx(order_id=order_id))
    assert slots["order_status"] == status
    assert slots["order_product"] == product
    assert slots["cancellable"] is cancellable
    assert slots["returnable"] is returnable
    assert slots["refund_status"] == refund


def test_shipped_order_has_carrier_and_tracking() -> None:
    slots = actions.lookup_order(ctx(order_id="#123456"))
    assert slots["order_id"] == "123456"  # the '#' is stripped
    assert slots["carrier"] == "UPS"
    assert slots["tracking_number"]


@pytest.mark.parametrize("order_id", ["999999", "000000", "111222"])
def test_any_other_six_digit_id_is_not_found(order_id: str) -> None:
    slots = actions.lookup_order(ctx(order_id=order_id))
    assert slots["order_status"] == "not_found"
    assert slots["cancellable"] is False and slots["returnable"] is False


def test_lookup_clears_details_of_a_previous_order() -> None:
    """Every slot describing an order is set, so nothing leaks from the last lookup."""
    found = actions.lookup_order(ctx(order_id="123456"))
    missing = actions.lookup_order(ctx(order_id="999999"))
    assert set(found) == set(missing)
    assert missing["carrier"] is None and missing["order_product"] is None


def test_every_slot_an_action_sets_exists_in_domain_yml() -> None:
    slots = set(load_bot(DOMAIN).domain.slots)
    produced = set()
    produced |= set(actions.lookup_order(ctx(order_id="123456")))
    produced |= set(actions.submit_cancellation(ctx(order_id="234567")))
    produced |= set(actions.start_return(ctx(order_id="345678", product="wireless headphones")))
    produced |= set(actions.update_address(ctx(order_id="234567", new_address="1 Main St, Springfield 12345")))
    produced |= set(actions.shipping_quote(ctx(country="canada")))
    produced |= set(actions.send_password_reset(ctx(email="a@b.co")))
    produced |= set(actions.log_complaint(ctx()))
    assert produced <= slots, produced - slots


def test_cancellation_only_for_cancellable_orders() -> None:
    assert actions.submit_cancellation(ctx(order_id="234567"))["order_status"] == "cancelled"
    assert actions.submit_cancellation(ctx(order_id="123456"))["order_status"] == "shipped"


def test_cancellation_does_not_change_the_mock_database() -> None:
    actions.submit_cancellation(ctx(order_id="234567"))
    assert actions.lookup_order(ctx(order_id="234567"))["order_status"] == "processing"


def test_return_reference_is_stable_per_request() -> None:
    first = actions.start_return(ctx(order_id="345678", product="wireless headphones"))["return_reference"]
    again = actions.start_return(ctx(order_id="#345678", product="wireless headphones"))["return_reference"]
    other = actions.start_return(ctx(order_id="345678", product="yoga mat"))["return_reference"]
    assert first == again != other
    assert first.startswith("RMA-") and len(first) == 10


def test_update_address_tidies_whitespace() -> None:
    slots = actions.update_address(ctx(order_id="234567", new_address="  12  Main Street,\n Springfield 62704 "))
    assert slots["new_address"] == "12 Main Street, Springfield 62704"
    assert slots["address_reference"].startswith("ADR-")


@pytest.mark.parametrize(
    ("country", "ships"),
    [("Canada", True), ("germany", True), ("the UK", True), ("USA", True), ("Holland", True), ("Brazil", False), ("Narnia", False), (None, False)],
)
def test_shipping_per_country(country: str | None, ships: bool) -> None:
    slots = actions.shipping_quote(ctx(country=country))
    assert slots["ships_to"] is ships
    assert (slots["shipping_time"] is not None) is ships


@pytest.mark.parametrize(
    ("email", "valid"),
    [
        ("jane.doe@example.com", True),
        ("Tom+shop@mail.co.uk", True),
        ("tom@gmail", False),
        ("tom at gmail.com", False),
        ("@gmail.com", False),
        ("", False),
        (None, False),
    ],
)
def test_email_validation(email: str | None, valid: bool) -> None:
    assert actions.is_valid_email(email) is valid


def test_password_reset_lower_cases_the_email() -> None:
    assert actions.send_password_reset(ctx(email=" Jane@Example.COM ")) == {"email": "jane@example.com", "reset_sent": True}


def test_the_flow_rejection_pattern_agrees_with_the_action() -> None:
    """flows.yml validates emails with a regex; it must accept what the action accepts."""
    import re

    flows = load_bot(DOMAIN).flows
    condition = flows["reset_password"].steps[0].rejections[0].condition
    pattern = re.search(r'"(.+)"', condition).group(1).replace("\\\\", "\\")
    for email in ("jane.doe@example.com", "Tom+shop@mail.co.uk", "tom@gmail", "tom at gmail.com"):
        assert (re.search(pattern, email) is not None) is actions.is_valid_email(email), email


def test_catalog_products_are_in_the_nlu_lookup_table() -> None:
    lookup = {value.lower() for value in load_bot(DOMAIN).nlu.lookups["product"]}
    assert set(actions.CATALOG) <= lookup
