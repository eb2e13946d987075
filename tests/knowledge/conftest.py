"""A small real knowledge base (the bundled MiniLM, real files) shared by the knowledge tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.config import load_bot
from dialog.config.models import BotConfig

DOCUMENTS = {
    "knowledge/shipping.md": (
        "# Shipping\n\n## Delivery times\n\nParcels to Canada arrive in 5 to 8 business days. "
        "Parcels within the United States arrive in 3 to 5 business days.\n\n"
        "## Shipping costs\n\nShipping is free on orders over $50. Smaller orders cost $4.99.\n"
    ),
    "knowledge/returns.md": (
        "# Returns\n\n## Return window\n\nYou can return unused items within 30 days of delivery.\n\n"
        "## Refunds\n\nRefunds reach your original payment method within 5 business days.\n"
    ),
    "knowledge/contact.md": "# Contact\n\n## Phone\n\nCall us on 1-800-555-0199, Monday to Friday from 9 am to 6 pm.\n",
    "knowledge/warranty.md": (  # one section longer than WHOLE_SECTION_CHARS: answered with its best sentences
        "# Warranty\n\n## What the warranty covers\n\nEvery product comes with a warranty against defects in materials and "
        "workmanship. Electronics are covered for 2 years from the delivery date, furniture for 5 years. The warranty does "
        "not cover accidental damage, such as drops or spills, or normal wear of batteries. Keep your order confirmation: "
        "it is your proof of purchase. To make a claim, send a photo of the defect to warranty@example.com.\n"
    ),
}


def make_bot(root: Path, config_yml: str = "", documents: dict[str, str] | None = None) -> BotConfig:
    """A minimal bot folder with the documents above (or ``documents``)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "domain.yml").write_text(
        'version: "3.1"\nintents: [greet, out_of_scope]\nresponses:\n  utter_greet:\n    - text: "Hi!"\n'
        "assistant:\n  name: Shop Assistant\n  persona: a support agent for a small shop\n",
        encoding="utf-8",
    )
    (root / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n  - intent: greet\n    examples: |\n      - hi\n      - hello\n'
        "  - intent: out_of_scope\n    examples: |\n      - tell me a joke\n      - what is the weather\n",
        encoding="utf-8",
    )
    (root / "flows.yml").write_text("flows:\n  greet:\n    description: say hi\n    nlu_trigger: [greet]\n    steps:\n      - action: utter_greet\n", encoding="utf-8")
    (root / "config.yml").write_text("language: en\n" + config_yml, encoding="utf-8")
    for relative, text in (DOCUMENTS if documents is None else documents).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return load_bot(root)


@pytest.fixture(scope="module")
def encoder():  # type: ignore[no-untyped-def]
    from dialog.nlu.sentence_embeddings import MiniLMEmbedder, SentenceEmbeddingsConfig

    embedder = MiniLMEmbedder(SentenceEmbeddingsConfig())
    embedder.warm_up()
    return embedder
