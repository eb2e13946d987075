"""docs/reference.md is generated from the schema code, and says what the code accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.gen_reference import MEANINGS, OUTPUT, TEMPLATE, ReferenceProblems, render
from scripts.reference_probe import SectionInfo, probe


@pytest.fixture(scope="module")
def probed() -> tuple[SectionInfo, ...]:
    return probe()


@pytest.fixture(scope="module")
def generated(probed: tuple[SectionInfo, ...]) -> str:
    return render(probed=probed)


def test_the_committed_reference_is_what_the_generator_makes(generated: str) -> None:
    assert OUTPUT.read_text(encoding="utf-8") == generated, (
        "docs/reference.md is out of date: run `make docs`"
    )


def test_every_key_the_loader_accepts_is_in_the_reference(
    probed: tuple[SectionInfo, ...], generated: str
) -> None:
    documented = set(re.findall(r"^\| `([^`]+)` \|", generated, flags=re.MULTILINE))
    for info in probed:
        missing = [key.name for key in info.keys if key.name not in documented]
        assert not missing, (
            f"{info.section.file} {info.what}: keys {missing} are not in docs/reference.md"
        )


def test_the_probe_finds_keys_defaults_and_ignored_rasa_keys(
    probed: tuple[SectionInfo, ...],
) -> None:
    sections = {
        info.section.id: {key.name: key for key in info.keys} for info in probed
    }
    collect = sections["step.collect"]
    assert (
        collect["max_attempts"].default is None
        and collect["reset_after_flow_ends"].default is True
    )
    assert collect["utter"].default == "utter_ask_SLOT"
    assert sections["config"]["trigger_threshold"].default == 0.5
    assert sections["slot"]["type"].required
    assert (
        "locked by their tracker store" in sections["endpoints"]["lock_store"].ignored
    )
    assert not sections["config"]["cancel_intents"].ignored


def _meanings_without(tmp_path: Path, key: str) -> Path:
    """keys.yml without the line of ``key`` (a line starting with two spaces and it)."""
    lines = MEANINGS.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"  {key}: ")]
    assert len(kept) == len(lines) - 1
    path = tmp_path / "keys.yml"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def test_a_key_without_a_meaning_fails_generation(
    tmp_path: Path, probed: tuple[SectionInfo, ...]
) -> None:
    meanings = _meanings_without(tmp_path, "max_attempts")
    with pytest.raises(
        ReferenceProblems, match=r"'step.collect' has no meaning for 'max_attempts'"
    ):
        render(meanings_file=meanings, probed=probed)


def test_a_meaning_for_a_key_the_code_does_not_have_fails_generation(
    tmp_path: Path, probed: tuple[SectionInfo, ...]
) -> None:
    path = tmp_path / "keys.yml"
    path.write_text(
        MEANINGS.read_text(encoding="utf-8").replace(
            "\nslot:\n", "\nslot:\n  colour: The slot's colour.\n"
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        ReferenceProblems,
        match=r"'slot.colour' documents something the code does not have",
    ):
        render(meanings_file=path, probed=probed)


def test_a_section_missing_from_the_prose_fails_generation(
    tmp_path: Path, probed: tuple[SectionInfo, ...]
) -> None:
    template = tmp_path / "reference.md"
    template.write_text(
        TEMPLATE.read_text(encoding="utf-8").replace(
            "<!-- keys: step.rejection -->\n", ""
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        ReferenceProblems, match=r"the keys of 'step.rejection' have no place"
    ):
        render(template=template, probed=probed)
