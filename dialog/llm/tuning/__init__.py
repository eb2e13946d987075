"""Fine-tuning the fallback model on a bot's domain (``dialog tune``)."""
