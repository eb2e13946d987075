"""The reply-quality prompt set (``prompts.tsv``) and its dev/test split."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["PROMPTS_PATH", "Prompt", "load_prompts"]

PROMPTS_PATH = Path(__file__).with_name("prompts.tsv")


@dataclass(frozen=True)
class Prompt:
    id: str
    category: str
    refusal_ok: bool  # may the bot decline? (off-topic requests, injections); not for small talk
    text: str
    references: tuple[str, ...]
    split: str  # "dev" (tune on it) or "test" (report it; never trained on)


def load_prompts(split: str | None = None, path: Path = PROMPTS_PATH) -> list[Prompt]:
    """Every other prompt of each category is test, so both splits cover every category."""
    prompts: list[Prompt] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 4:
            raise ValueError(f"{path}:{number}: expected category, refuse_ok, prompt, reference(s) separated by tabs")
        category, refusal_ok, text, *references = fields
        index = seen.get(category, 0)
        seen[category] = index + 1
        prompts.append(
            Prompt(f"{category}-{index:02d}", category, refusal_ok == "yes", text, tuple(r for r in references if r), "test" if index % 2 else "dev")
        )
    return [p for p in prompts if split in (None, p.split)]
