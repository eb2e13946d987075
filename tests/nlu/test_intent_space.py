"""The learned intent space: off-topic messages lie far from the intent's centre, its own messages do not."""

from __future__ import annotations

import pytest

from dialog.nlu.intent_space import LearnedIntentSpace

INTENTS = ("greet", "goodbye", "check_order", "cancel_order")


def _clusters(seed: int = 0, per_intent: int = 12, dims: int = 32) -> tuple[list[list[float]], list[str]]:
    """Four intents, each a cloud of unit vectors around its own axis."""
    import numpy as np

    rng = np.random.default_rng(seed)
    vectors, labels = [], []
    for axis, name in enumerate(INTENTS):
        for _ in range(per_intent):
            vector = np.zeros(dims)
            vector[axis] = 1.0
            vector += rng.normal(0, 0.15, dims)
            vectors.append(list(vector / np.linalg.norm(vector)))
            labels.append(name)
    return vectors, labels


def _off_topic(dims: int = 32) -> list[float]:
    vector = [0.0] * dims
    vector[0], vector[20] = 0.5, 0.87  # a little like greet, mostly a direction no intent takes
    return vector


def test_new_messages_of_an_intent_keep_their_confidence_and_other_intents_lie_far() -> None:
    vectors, labels = _clusters()
    space = LearnedIntentSpace.fit(vectors, labels, INTENTS, weight=1.0)
    assert space is not None and len(space.views) == 2
    fresh, fresh_labels = _clusters(seed=1)
    factors = [space.factor(vector, INTENTS.index(label)) for vector, label in zip(fresh, fresh_labels)]
    assert sorted(factors)[len(factors) // 10] == pytest.approx(1.0)  # 90% of new paraphrases untouched
    greetings = sorted(space.distance(vector, 0) or 0.0 for vector in fresh[:12])
    goodbye = fresh[12]  # measured against greet's centre
    assert space.distance(goodbye, 0) > 3 * greetings[6]
    assert space.factor(goodbye, 0) < 0.6


def test_a_one_of_a_kind_training_example_stays_in_scope() -> None:
    """Like Rasa's end-to-end example "I can always go for sushi" among affirm's "yes" and "y":
    the network that never saw it finds it far; the one that learned from it does not."""
    vectors, labels = _clusters()
    lone = _off_topic()
    space = LearnedIntentSpace.fit([*vectors, lone], [*labels, "greet"], INTENTS, weight=1.0)
    assert space is not None
    assert space.factor(lone, 0) == pytest.approx(1.0)


def test_the_space_is_the_same_every_time_and_survives_saving(tmp_path) -> None:
    vectors, labels = _clusters()
    first = LearnedIntentSpace.fit(vectors, labels, INTENTS, weight=1.0)
    second = LearnedIntentSpace.fit(vectors, labels, INTENTS, weight=1.0)
    assert first is not None and second is not None
    meta = first.save(tmp_path)
    loaded = LearnedIntentSpace.load(tmp_path, meta)
    probe = _off_topic()
    assert first.distance(probe, 0) == pytest.approx(second.distance(probe, 0))
    assert loaded.distance(probe, 0) == pytest.approx(first.distance(probe, 0))


def test_it_needs_two_intents_in_a_half() -> None:
    assert LearnedIntentSpace.fit([[1.0, 0.0], [0.9, 0.1]], ["greet", "greet"], ("greet",), weight=1.0) is None


def test_an_intent_no_network_learned_is_left_alone() -> None:
    vectors, labels = _clusters()
    space = LearnedIntentSpace.fit(vectors, labels, (*INTENTS, "never_seen"), weight=1.0)
    assert space is not None
    assert space.distance(_off_topic(), len(INTENTS)) is None
    assert space.factor(_off_topic(), len(INTENTS)) == 1.0


def test_the_written_out_optimiser_steps_like_torchs_adamw() -> None:
    import torch

    from dialog.nlu.intent_space import _AdamW

    generator = torch.Generator().manual_seed(0)
    ours = torch.randn(20, 5, generator=generator).requires_grad_()
    theirs = ours.detach().clone().requires_grad_()
    inputs, targets = torch.randn(64, 20, generator=generator), torch.randint(0, 5, (64,), generator=generator)
    optimiser, reference = _AdamW([ours]), torch.optim.AdamW([theirs], lr=1e-3, weight_decay=0.01)
    for _ in range(30):
        torch.nn.functional.cross_entropy(inputs @ ours, targets).backward()
        optimiser.step()
        reference.zero_grad()
        torch.nn.functional.cross_entropy(inputs @ theirs, targets).backward()
        reference.step()
    assert torch.allclose(ours, theirs, atol=1e-5)
    assert ours.grad is None
