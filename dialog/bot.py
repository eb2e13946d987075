"""``Bot``: wiring only. A message goes NLU -> dialogue engine -> (LLM) -> replies.

INTERFACE CONTRACT (implemented by the dialogue-engine work; channels and the
story runner rely on exactly these):

    bot = Bot.from_config(config, store=None, generator=None)   # no heavy loading here
    await bot.start()            # loads the NLU model (trains if stale), starts LLM loading
    replies = await bot.handle(Message(sender_id, text, metadata), on_token=None)
                                 # -> list[Reply]; per-sender lock; one transaction per turn
                                 # on_token(piece) is awaited for each streamed LLM piece
    parse = bot.parse(text)      # -> ParseResult
    tracker = await bot.tracker(sender_id)   # Rasa-like tracker JSON (DESIGN §5)
    replies = await bot.trigger_intent(sender_id, intent, entities: dict)
    status = bot.status()        # {"model": ..., "llm": {...}, ...}
    await bot.close()
"""
