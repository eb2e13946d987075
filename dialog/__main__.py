"""``python -m dialog`` is the ``dialog`` command."""

from dialog.cli import main

if __name__ == "__main__":  # not when a "spawn" worker process re-imports the main module
    main()
