"""A space learned from the bot's own intents, where off-topic messages lie far away.

MiniLM's sentence vectors were trained for general similarity, not for one bot's
intents: an off-topic question ("how do I find the area of a circle?") can lie as
close to an intent's centre (calculator) as that intent's own examples do. A small
network trained to tell the bot's intents apart (one hidden layer, cross-entropy
with label smoothing) stretches the directions in which intents differ. In its
hidden layer, CLINC150's out-of-scope questions lie 4x as far from the predicted
intent's centre as the intents' held-out examples; in MiniLM's space, 2.3x.
``IntentDensity`` (calibration.py) measures that distance in the hidden layer.
The network stretches only the directions in which the intents differ; a message
that strays in a direction none of them varies in is caught by the same distance in
MiniLM's own space, which ``sklearn_intent`` keeps alongside this one.

Cross-fitted: two networks, each trained on half of every intent's examples, each
measuring its typical distance on the half it never saw. A network that memorised
a small bot's few examples would find every new message far away; one judged on
unseen examples cannot. A message's distance is the smaller of the two networks':
the network that learned from a one-of-a-kind example ("I can always go for sushi"
among affirm's "yes" and "y") knows where it lies, the other never saw it. (On
CLINC150's valid split the smaller and the mean gave the same out-of-scope recall,
within one text.) Chosen on CLINC150's valid split (bench/RESULTS.md, issue #14).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from dialog.nlu.calibration import IntentDensity, alternate_halves, centres_and_whitening, held_out_distances, unit_rows

__all__ = ["LearnedIntentSpace"]

HIDDEN = 512  # hidden units (256 / 512 / 1024 tried on dev: 512 as good as 1024 at half the cost; 256 worse)
EPOCHS = 10  # 5 / 10 / 20 tried
MIN_STEPS = 300  # a bot with few examples still gets this many updates
BATCH = 128
LABEL_SMOOTHING = 0.1  # without it: the same dev recall, out-of-scope AUROC 0.987 instead of 0.989
DROPOUT = 0.1
SPREAD = 2.5  # typical distances up to which the confidence is unchanged (2 / 2.5 / 3 tried)
_ARRAYS = ("weights", "bias", "centres", "whitening", "known")  # saved as intent_space_<view>_<name>.npy


@dataclass
class _View:
    """One network's hidden layer and the intents' shape in it."""

    weights: Any  # (dims, HIDDEN) float32
    bias: Any  # (HIDDEN,) float32
    density: IntentDensity  # centres and whitening of the hidden vectors; typical from the unseen half
    known: Any  # (n_classes,) bool: the intent had examples in the half this network learned from

    def distance(self, unit_vector: Any, class_index: int) -> float:
        import numpy as np

        hidden = np.maximum(unit_vector @ self.weights + self.bias, 0.0)
        return self.density.distance(hidden, class_index)


@dataclass
class LearnedIntentSpace:
    """Distance to the predicted intent's centre in a learned space (see the module docstring)."""

    views: tuple[_View, ...]
    weight: float = 1.0

    @classmethod
    def fit(cls, embeddings: Any, labels: Sequence[str], classes: Sequence[str], weight: float, seed: int = 0) -> LearnedIntentSpace | None:
        """None when no half of the examples can show a spread (too few examples, or all alike)."""
        import numpy as np

        matrix = unit_rows(np.asarray(embeddings, dtype=np.float32))
        index = {name: position for position, name in enumerate(classes)}
        rows = np.array([index[label] for label in labels])
        half = alternate_halves(rows)
        views = []
        for learned, unseen in ((~half, half), (half, ~half)):
            if len(np.unique(rows[learned])) < 2:
                continue
            weights, bias = _train_hidden_layer(matrix[learned], rows[learned], len(classes), seed)
            hidden = unit_rows(np.maximum(matrix @ weights + bias, 0.0))
            shape = centres_and_whitening(hidden[learned], rows[learned], len(classes))
            if shape is None:
                continue
            distances = held_out_distances(hidden, rows, shape, unseen)
            typical = float(np.median(distances)) if len(distances) else 0.0
            if typical <= 1e-9:
                continue
            centres, whitening, counts = shape
            density = IntentDensity(centres.astype(np.float32), whitening.astype(np.float32), typical, weight)
            views.append(_View(weights, bias, density, counts > 0))
        return cls(tuple(views), weight) if views else None

    def save(self, directory: Path) -> dict[str, Any]:
        """Write each view's arrays into ``directory``; return the numbers the model's meta keeps."""
        import numpy as np

        for number, view in enumerate(self.views):
            arrays = (view.weights, view.bias, view.density.centres, view.density.whitening, view.known)
            for name, array in zip(_ARRAYS, arrays):
                np.save(Path(directory) / f"intent_space_{number}_{name}.npy", array, allow_pickle=False)
        return {"weight": self.weight, "typical": [view.density.typical for view in self.views]}

    @classmethod
    def load(cls, directory: Path, meta: Mapping[str, Any]) -> LearnedIntentSpace:
        """The space ``save`` wrote (``meta`` is what it returned)."""
        import numpy as np

        weight = float(meta["weight"])
        views = []
        for number, typical in enumerate(meta["typical"]):
            arrays = {name: np.load(Path(directory) / f"intent_space_{number}_{name}.npy", allow_pickle=False) for name in _ARRAYS}
            density = IntentDensity(arrays["centres"], arrays["whitening"], float(typical), weight)
            views.append(_View(arrays["weights"], arrays["bias"], density, arrays["known"]))
        return cls(tuple(views), weight)

    def distance(self, vector: Any, class_index: int) -> float | None:
        """Squared distance to the intent's centre in typical units; None if no network knows the intent."""
        import numpy as np

        unit = np.asarray(vector, dtype=np.float32)
        unit = unit / max(float(np.linalg.norm(unit)), 1e-12)
        found = [view.distance(unit, class_index) for view in self.views if view.known[class_index]]
        return min(found) if found else None

    def factor(self, vector: Any, class_index: int) -> float:
        """What the intent's confidence is multiplied by (1 up to SPREAD typical distances)."""
        distance = self.distance(vector, class_index)
        if distance is None:
            return 1.0
        return min(1.0, math.exp(-self.weight * (distance - SPREAD)))


def _train_hidden_layer(inputs: Any, targets: Any, n_classes: int, seed: int) -> tuple[Any, Any]:
    """Train input -> ReLU hidden layer -> intent logits; return the hidden layer's weights.

    Seeded through its own generator (the same model every run, and torch's global
    random state is left alone); the initialisation is ``torch.nn.Linear``'s."""
    import torch
    from torch.nn import functional as F

    generator = torch.Generator().manual_seed(seed)
    x = torch.as_tensor(inputs, dtype=torch.float32)
    y = torch.as_tensor(targets, dtype=torch.long)

    def uniform(*shape: int, fan_in: int) -> torch.Tensor:
        return ((torch.rand(*shape, generator=generator) * 2 - 1) / math.sqrt(fan_in)).requires_grad_()

    def dropout(values: torch.Tensor) -> torch.Tensor:
        keep = torch.rand(values.shape, generator=generator) >= DROPOUT
        return values * keep / (1 - DROPOUT)

    dims = x.shape[1]
    w1, b1 = uniform(dims, HIDDEN, fan_in=dims), uniform(HIDDEN, fan_in=dims)
    w2, b2 = uniform(HIDDEN, n_classes, fan_in=HIDDEN), uniform(n_classes, fan_in=HIDDEN)
    optimiser = _AdamW([w1, b1, w2, b2])
    steps_per_epoch = math.ceil(len(x) / BATCH)
    with torch.enable_grad():
        for _ in range(max(EPOCHS, math.ceil(MIN_STEPS / steps_per_epoch))):
            order = torch.randperm(len(x), generator=generator)
            for start in range(0, len(x), BATCH):
                batch = order[start : start + BATCH]
                hidden = torch.relu(dropout(x[batch]) @ w1 + b1)
                loss = F.cross_entropy(dropout(hidden) @ w2 + b2, y[batch], label_smoothing=LABEL_SMOOTHING)
                loss.backward()  # type: ignore[no-untyped-call]
                optimiser.step()
    return w1.detach().numpy().astype("float32"), b1.detach().numpy().astype("float32")


class _AdamW:
    """AdamW (decoupled weight decay), as ``torch.optim.AdamW`` with its defaults.

    Written out because torch's optimisers import torch._dynamo on their first step:
    2 s of every ``dialog train``, more than the network's training takes for a small bot."""

    def __init__(self, parameters: list[Any], lr: float = 1e-3, weight_decay: float = 0.01) -> None:
        import torch

        self.parameters, self.lr, self.weight_decay = parameters, lr, weight_decay
        self.betas, self.eps, self.steps = (0.9, 0.999), 1e-8, 0
        self.first = [torch.zeros_like(parameter) for parameter in parameters]
        self.second = [torch.zeros_like(parameter) for parameter in parameters]

    def step(self) -> None:
        """Update every parameter from its gradient, then clear the gradient."""
        import torch

        self.steps += 1
        beta1, beta2 = self.betas
        correction1, correction2 = 1 - beta1**self.steps, 1 - beta2**self.steps
        with torch.no_grad():
            for parameter, first, second in zip(self.parameters, self.first, self.second):
                gradient = parameter.grad
                parameter.mul_(1 - self.lr * self.weight_decay)
                first.mul_(beta1).add_(gradient, alpha=1 - beta1)
                second.mul_(beta2).addcmul_(gradient, gradient, value=1 - beta2)
                denominator = (second / correction2).sqrt_().add_(self.eps)
                parameter.addcdiv_(first, denominator, value=-self.lr / correction1)
                parameter.grad = None
