"""dialog: a lean framework for task-oriented chatbots written in YAML."""

__all__ = ["__version__"]

__version__ = "0.1.0"
