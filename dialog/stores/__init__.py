"""Where conversations live: the ``ConversationStore`` protocol, ``open_store`` and the stores.

Stores depend only on the core modules (``dialog.errors``, ``dialog.registry``); the
dialogue engine never imports them, the bot hands it the events a store loaded.
"""
