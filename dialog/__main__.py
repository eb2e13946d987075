"""``python -m dialog`` is the ``dialog`` command."""

from dialog.cli import main

main()
