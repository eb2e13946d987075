def lookup_order(ctx):
    return {"order_status": {"123456": "shipped"}.get(ctx.slots["order_id"], "processing")}
