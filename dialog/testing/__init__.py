"""Story tests: load Rasa-style test cases, run them against a bot, report and measure coverage.

Empty on purpose: import the module you need (``dialog.testing.stories`` ...).
"""

__all__: list[str] = []
