"""config.yml's ``knowledge:`` section: ``mode``, ``threshold`` and ``top_k``."""

from __future__ import annotations

from dialog.config.models import KnowledgeSettings
from dialog.config.schema import FileReport, suggest
from dialog.config.yaml_reader import LocatedMap

__all__ = ["KNOWLEDGE_KEYS", "KNOWLEDGE_MODES", "parse_knowledge"]

KNOWLEDGE_KEYS = ("mode", "threshold", "top_k")
KNOWLEDGE_MODES = ("extractive", "generative")
MAX_TOP_K = 20


def parse_knowledge(data: LocatedMap, report: FileReport) -> KnowledgeSettings:
    """The section's values; a wrong one is reported at its value and replaced by its default."""
    report.keys(data, KNOWLEDGE_KEYS, "knowledge")
    defaults = KnowledgeSettings()
    mode = report.typed(data, "mode", str, "knowledge", defaults.mode)
    if mode not in KNOWLEDGE_MODES:
        report.error(
            data.value_mark("mode"),
            f"knowledge: unknown mode '{mode}'{suggest(mode, KNOWLEDGE_MODES)}; valid modes: {', '.join(KNOWLEDGE_MODES)}",
        )
        mode = defaults.mode
    threshold = report.typed(data, "threshold", float, "knowledge", defaults.threshold)
    if not 0 <= threshold <= 1:
        report.error(data.value_mark("threshold"), f"knowledge: 'threshold' must be between 0 and 1, got {threshold}")
        threshold = defaults.threshold
    top_k = report.typed(data, "top_k", int, "knowledge", defaults.top_k)
    if not 1 <= top_k <= MAX_TOP_K:
        report.error(data.value_mark("top_k"), f"knowledge: 'top_k' must be between 1 and {MAX_TOP_K}, got {top_k}")
        top_k = defaults.top_k
    return KnowledgeSettings(mode=mode, threshold=threshold, top_k=top_k, mark=(report.path, *data.mark))
