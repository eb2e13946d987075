"""Response rendering: Jinja2 templates in a sandbox, with variations per conversation.

Empty on purpose: import ``dialog.responses.templates`` or ``.environment``.
"""

__all__: list[str] = []
