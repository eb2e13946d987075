"""Python actions named in domain.yml (``actions: {lookup_order: actions:lookup_order}``).

An action gets an ``ActionContext`` (slots, latest_message, sender_id) and returns
slot updates. Replace the dictionary below with a call to your order system.
"""

ORDERS = {"123456": "shipped", "234567": "being packed", "345678": "delivered"}


def lookup_order(ctx):
    return {"order_status": ORDERS.get(ctx.slots.get("order_id"), "not_found")}
