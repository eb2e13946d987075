"""config.yml's knowledge: section: defaults, values, and errors at file:line:col."""

from __future__ import annotations

import pytest

from dialog.config.models import KnowledgeSettings


def test_defaults_without_a_section(bot) -> None:
    knowledge = bot.load().settings.knowledge
    assert (knowledge.mode, knowledge.threshold, knowledge.top_k) == ("extractive", KnowledgeSettings.threshold, 3)


def test_every_key(bot) -> None:
    bot.write("config.yml", "knowledge:\n  mode: generative\n  threshold: 0.5\n  top_k: 5\n")
    knowledge = bot.load().settings.knowledge
    assert (knowledge.mode, knowledge.threshold, knowledge.top_k) == ("generative", 0.5, 5)


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ("knowledge:\n  mode: abstractive\n", "bot/config.yml:2:9: knowledge: unknown mode 'abstractive'"),
        ("knowledge:\n  threshold: 2\n", "bot/config.yml:2:14: knowledge: 'threshold' must be between 0 and 1, got 2.0"),
        ("knowledge:\n  threshold: high\n", "bot/config.yml:2:14: knowledge: 'threshold' must be a number, got a string ('high')"),
        ("knowledge:\n  top_k: 0\n", "bot/config.yml:2:10: knowledge: 'top_k' must be between 1 and 20, got 0"),
        ("knowledge:\n  topk: 3\n", "bot/config.yml:2:3: unknown key 'topk' in knowledge (did you mean 'top_k'?)"),
        ("knowledge: [extractive]\n", "bot/config.yml:1:12: 'knowledge' must be a mapping"),
    ],
)
def test_knowledge_problem(bot, config: str, problem: str) -> None:
    bot.write("config.yml", config)
    problems = bot.problems()
    assert any(p.startswith(problem) for p in problems), problems
