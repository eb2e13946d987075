"""``dialog init DIR``: create a small working bot from the ``basic`` template.

The template's domain.yml, nlu.yml, flows.yml, actions.py and tests/stories.yml
(story tests that ``dialog test`` runs) are copied; config.yml
is written from ``DEFAULT_PIPELINE`` so a new project always starts with the
pipeline the benchmark chose.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from dialog.config.defaults import DEFAULT_PIPELINE, DEFAULT_TRACKER_STORE, PIPELINE_COMMENTS
from dialog.errors import DialogError

__all__ = ["command", "create_project", "render_config"]

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def render_config(language: str = "en") -> str:
    """config.yml text: the default pipeline, the bundled LLM and the default store."""
    lines = [
        "# How the bot understands text (pipeline), what writes free-form replies (llm)",
        "# and where conversations are kept (tracker_store).",
        f"language: {language}",
        "",
        "pipeline:",
    ]
    for entry in DEFAULT_PIPELINE:
        comment = PIPELINE_COMMENTS.get(entry["name"])
        lines.append(f"  - name: {entry['name']}" + (f"  # {comment}" if comment else ""))
        lines.extend(f"    {key}: {value}" for key, value in entry.items() if key != "name")
    lines += [
        "",
        "llm:",
        "  provider: transformers        # in-process, no network",
        "  model: bundled:smollm2-135m",
        "  max_new_tokens: 80",
        "  timeout_s: 10",
        "",
        f"tracker_store: {DEFAULT_TRACKER_STORE}",
        "",
    ]
    return "\n".join(lines)


def create_project(directory: Path, force: bool = False, template: str = "basic") -> list[Path]:
    """Copy the template into ``directory``; returns the files written."""
    source = TEMPLATES / template
    if not source.is_dir():
        raise DialogError(f"unknown template '{template}'; valid templates: {', '.join(sorted(p.name for p in TEMPLATES.iterdir()))}")
    if directory.exists() and not directory.is_dir():
        raise DialogError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise DialogError(f"{directory} is not empty; choose an empty folder or pass --force to overwrite")
    written = []
    for path in sorted(source.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        target = directory / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        written.append(target)
    config = directory / "config.yml"
    config.write_text(render_config(), encoding="utf-8")
    written.append(config)
    return written


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into a non-empty folder, overwriting the template's files.")
def command(directory: Path, force: bool) -> None:
    """Create a new bot project in DIRECTORY (which must be empty or new)."""
    written = create_project(directory, force=force)
    click.echo(f"Created a bot in {directory}/ ({', '.join(sorted(p.relative_to(directory).as_posix() for p in written))}).")
    click.echo("Next steps:")
    click.echo(f"  dialog validate {directory}    # check the YAML")
    click.echo(f"  dialog train {directory}       # train the NLU model")
    click.echo(f"  dialog shell {directory}       # chat with it")
    click.echo(f"  dialog test {directory}        # run the story tests in {directory}/tests/")
