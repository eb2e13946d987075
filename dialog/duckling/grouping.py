"""Which neighbouring atoms make one expression ("next friday" + "at" + "3pm")."""

from __future__ import annotations

import re

from dialog.duckling.time_atoms import Atom

__all__ = ["CLOCK_KINDS", "DAY_KINDS", "group_atoms"]

_JOINERS = re.compile(r"\s*(?:,\s*)?(?:(?:at|@|on|around|about|in\s+the|of)\s+)?", re.IGNORECASE)


def group_atoms(text: str, atoms: list[Atom]) -> list[list[Atom]]:
    """Neighbouring atoms that make one expression: at most one day, one clock, one part."""
    groups: list[list[Atom]] = []
    for atom in atoms:
        if groups and _joins(text, groups[-1], atom):
            groups[-1].append(atom)
        else:
            groups.append([atom])
    return groups


DAY_KINDS = {"date", "ordinal_day", "tonight", "holiday"}
CLOCK_KINDS = {"tod", "bare_hour"}


def _joins(text: str, group: list[Atom], atom: Atom) -> bool:
    if not _JOINERS.fullmatch(text[group[-1].end : atom.start]):
        return False
    kinds = {a.kind for a in group}
    if "offset_from" in kinds:  # "a week from" + a day, and nothing else
        return len(group) == 1 and atom.kind == "date"
    if kinds == {"offset"}:  # "in two weeks" + "on Tuesday": that week's Tuesday
        return atom.kind == "date" and re.search(r"\bweeks?\b", group[0].text, re.IGNORECASE) is not None
    slots = [DAY_KINDS, CLOCK_KINDS, {"part"}]
    for slot in slots:
        if atom.kind in slot:
            return not (kinds & slot) and (kinds | {atom.kind}) <= DAY_KINDS | CLOCK_KINDS | {"part"} and not (
                "tonight" in kinds | {atom.kind} and (atom.kind == "part" or "part" in kinds)
            )
    return False
