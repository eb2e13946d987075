"""CLI subcommands, one module each exposing a click command named ``command``.

``dialog/cli.py`` imports them lazily by name, so ``dialog --help`` loads none of them.
"""

__all__: list[str] = []
