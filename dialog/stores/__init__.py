"""Where conversations live: the ``ConversationStore`` protocol, ``open_store`` and the stores.

``open_store(url)`` picks the store by the URL's scheme (``dialog.registry.STORES``):
``memory://`` (``MemoryStore``), ``sqlite:///`` (``SQLiteStore``, the default),
``postgresql://`` (``PostgresStore``) and ``redis://`` (``RedisStore``). The durable
ones import their drivers only when opened. Stores depend only on the core modules;
the dialogue engine never imports them: the bot hands it the events a store loaded.
"""

from dialog.stores.conversation_store import ConversationStore, open_store
from dialog.stores.memory import MemoryStore

__all__ = ["ConversationStore", "MemoryStore", "open_store"]
