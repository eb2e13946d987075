"""The two pictures of ``dialog test-nlu``: a confusion matrix and a confidence histogram.

Drawn from ``report.json``'s data with matplotlib's object API on an Agg canvas, so
no global backend is chosen and nothing opens a window. Matplotlib is imported
only when a picture is drawn (``pip install 'dialog[reports]'``).

The confusion matrix stays readable with many intents: rows are normalised (each
row is where that intent's examples went, so big and small intents compare), labels
are sorted, cells show percentages, and above ``max_labels`` labels only the
intents of the biggest confusions (true or predicted side) are drawn, so a
64-intent bot still gives a picture a person can read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dialog.errors import DialogError

__all__ = ["confidence_histogram", "confusion_matrix", "confused_labels"]

MAX_LABELS = 30


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise DialogError("the NLU report pictures need matplotlib: pip install 'dialog[reports]'") from exc
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def confused_labels(labels: list[str], matrix: list[list[int]], limit: int | None = None) -> list[str]:
    """Labels on either side of a mistake; with ``limit``, those of the biggest mistakes first."""
    cells = [(count, labels[i], labels[j]) for i, row in enumerate(matrix) for j, count in enumerate(row) if i != j and count]
    cells.sort(key=lambda cell: (-cell[0], cell[1], cell[2]))
    involved: set[str] = set()
    for _, true, predicted in cells:
        if limit is not None and len(involved | {true, predicted}) > limit:
            break
        involved.update((true, predicted))
    return [label for label in labels if label in involved]


def _layout(report: dict[str, Any], max_labels: int) -> tuple[list[str], list[str], list[list[float]], str]:
    """Rows (true intents), columns (predicted; predicted-only labels last), shares, title."""
    data = report["intent"]["confusion_matrix"]
    labels: list[str] = list(data["labels"])
    counts: list[list[int]] = data["matrix"]
    gold = {label for label, row in zip(labels, counts) if sum(row)}
    shown = labels
    title = "Intent confusion matrix (% of each true intent's examples)"
    if len(labels) > max_labels:
        shown = confused_labels(labels, counts, limit=max_labels)
        title = (
            f"The biggest intent confusions: {len(shown)} of {len(labels)} labels\n"
            "(% of each true intent's examples; intents without big mistakes hidden)"
        )
    rows = [label for label in shown if label in gold]
    columns = rows + [label for label in shown if label not in gold]
    index = {label: i for i, label in enumerate(labels)}
    shares = []
    for true in rows:
        full = counts[index[true]]
        total = sum(full) or 1
        shares.append([full[index[predicted]] / total for predicted in columns])
    return rows, columns, shares, title


def confusion_matrix(report: dict[str, Any], path: str | Path, max_labels: int = MAX_LABELS) -> Path:
    """Row-normalised confusion matrix PNG; returns the path written."""
    rows, columns, shares, title = _layout(report, max_labels)
    size = max(len(rows), len(columns))
    side = max(6.0, 0.42 * size + 3.0)
    figure = _figure(side + 1.5, side)
    axes = figure.add_subplot(1, 1, 1)
    if not rows:
        axes.text(0.5, 0.5, "No confusions: every test example got its intent.", ha="center", va="center", fontsize=13)
        axes.set_axis_off()
    else:
        image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0, aspect="equal")
        figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04, label="share of the true intent's examples")
        axes.set_xticks(range(len(columns)), labels=columns, rotation=60, ha="right", rotation_mode="anchor", fontsize=9)
        axes.set_yticks(range(len(rows)), labels=rows, fontsize=9)
        axes.set_xlabel("predicted intent", fontsize=11)
        axes.set_ylabel("true intent", fontsize=11)
        for i, row in enumerate(shares):
            for j, share in enumerate(row):
                if share >= 0.005:
                    color = "white" if share > 0.6 else "black"
                    axes.text(j, i, f"{share * 100:.0f}", ha="center", va="center", fontsize=8, color=color)
    axes.set_title(title, fontsize=12)
    figure.tight_layout()
    target = Path(path)
    figure.savefig(target)
    return target


def confidence_histogram(report: dict[str, Any], path: str | Path, threshold: float | None = None) -> Path:
    """Confidence of correct vs wrong intent predictions, one panel each (shared x)."""
    from matplotlib.ticker import MaxNLocator

    correct = [item["confidence"] for item in report["confidences"] if item["correct"]]
    wrong = [item["confidence"] for item in report["confidences"] if not item["correct"]]
    figure = _figure(8.0, 6.0)
    bins = [i / 20 for i in range(21)]
    panels = ((correct, "correct", "#2a7ab9"), (wrong, "wrong", "#d1452f"))
    first: Any = None
    for number, (values, name, color) in enumerate(panels, start=1):
        axes = figure.add_subplot(2, 1, number, sharex=first)
        first = first or axes
        axes.hist(values, bins=bins, color=color, edgecolor="white")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("examples")
        axes.set_title(f"{name} intent predictions: {len(values)}", fontsize=11)
        if threshold is not None:
            axes.axvline(threshold, color="black", linestyle="--", linewidth=1, label=f"threshold {threshold:g}")
            axes.legend(loc="upper left")
        axes.grid(axis="y", alpha=0.3)
    figure.axes[-1].set_xlabel("intent confidence")
    first.set_xlim(0.0, 1.0)
    figure.suptitle("How sure was the NLU when it was right, and when it was wrong?", fontsize=12)
    figure.tight_layout()
    target = Path(path)
    figure.savefig(target)
    return target
