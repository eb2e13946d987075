"""The only YAML reader: load and validate a bot folder into one immutable ``BotConfig``.

``load_bot(domain_dir)`` reads ``domain.yml``, ``nlu.yml``, ``flows.yml``,
``config.yml`` and Rasa's ``endpoints.yml`` (each may instead be a folder of YAML files, merged; a Rasa project's
``data/`` folder is read too: files with ``flows:`` as flows, the rest as NLU data,
whose ``rules:``/``stories:`` run as flows where they can: see ``rasa.dialogue``, and
whose ``responses:`` are the domain's; Rasa's default intents and retrieval sub-intents
with examples join the domain's intents: see ``rasa.intents``), checks every file and the
references between them (see ``checks`` for what is an error and what a warning), and raises one ``ConfigError`` listing every
problem as ``file:line:col: message``. Paths in messages are as the caller gave
``domain_dir`` (relative stays relative). Warnings (Rasa keys accepted but ignored,
intents without examples, ...) are returned in ``BotConfig.warnings``.

Nothing here imports spaCy, scikit-learn or torch.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

from dialog.config.annotations import AnnotationError, format_example, parse_annotated
from dialog.config.checks import check_all
from dialog.config.domain import parse_domain
from dialog.config.endpoints import Endpoints, parse_endpoints
from dialog.config.files import Document, find_sources, load_documents
from dialog.config.flows import parse_flows
from dialog.config.models import BotConfig, Settings
from dialog.config.nlu_data import parse_nlu
from dialog.config.rasa.calm import with_description_triggers
from dialog.config.rasa.dialogue import flows_from_rules_and_stories
from dialog.config.rasa.intents import with_rasa_intents
from dialog.config.rasa.retrieval import responses_documents
from dialog.config.schema import Reporter
from dialog.config.settings import parse_settings
from dialog.errors import ConfigError, Problem

__all__ = ["AnnotationError", "load_bot", "format_example", "parse_annotated"]


def load_bot(domain_dir: str | Path) -> BotConfig:
    """Load, validate and return the bot in ``domain_dir``; raises ``ConfigError`` with every problem."""
    root = Path(domain_dir)
    if root.is_file():
        raise ConfigError(Problem(str(root), 0, 0, f"is a file; pass the bot folder that holds domain.yml (e.g. {root.parent})"))
    if not root.is_dir():
        raise ConfigError(Problem(str(root), 0, 0, "bot folder does not exist; expected a folder with domain.yml, nlu.yml, flows.yml and config.yml"))
    reporter = Reporter()
    domain_paths = find_sources(root, "domain")
    if not domain_paths:
        reporter.problems.append(Problem(str(root / "domain.yml"), 0, 0, "missing domain.yml (or a domain/ folder of YAML files)"))
    documents = {part: load_documents(find_sources(root, part), reporter) for part in ("domain", "nlu", "flows", "config", "endpoints")}
    for document in load_documents(find_sources(root, "data"), reporter):  # a Rasa project's data/ folder
        documents["flows" if isinstance(document.data, dict) and "flows" in document.data else "nlu"].append(document)
    documents["domain"].extend(responses_documents(documents["nlu"]))  # Rasa allows responses in data/ files
    documents["flows"].extend(flows_from_rules_and_stories(documents["nlu"], documents["domain"], reporter))
    # A file that did not parse, or is not a mapping, would make the cross-file checks echo it.
    all_read = not reporter.problems and all(isinstance(d.data, dict) for docs in documents.values() for d in docs)
    endpoints = parse_endpoints(documents["endpoints"], reporter)
    domain, domain_sources = parse_domain(
        documents["domain"], reporter, str(domain_paths[0]) if domain_paths else "", action_server=endpoints.action_endpoint is not None
    )
    nlu, nlu_sources = parse_nlu(documents["nlu"], reporter)
    domain = with_rasa_intents(domain, nlu_sources.intent_marks)
    flows, flow_sources = parse_flows(documents["flows"], reporter)
    domain, nlu, flows = with_description_triggers(domain, domain_sources, nlu, flows, flow_sources)  # Rasa Pro CALM flows
    settings = _with_endpoints(parse_settings(documents["config"], reporter, root), endpoints, documents["config"])
    if all_read:
        check_all(root, domain, domain_sources, nlu, nlu_sources, flows, flow_sources, settings, reporter)
    reporter.raise_if_any()
    return BotConfig(
        root=root,
        domain=domain,
        nlu=nlu,
        flows=MappingProxyType(flows),
        settings=settings,
        warnings=reporter.warning_lines(),
    )


def _with_endpoints(settings: Settings, endpoints: Endpoints, config_documents: list[Document]) -> Settings:
    """endpoints.yml's action server, and its tracker store unless config.yml names one."""
    named_in_config = any(isinstance(document.data, dict) and "tracker_store" in document.data for document in config_documents)
    store = settings.tracker_store if named_in_config or endpoints.tracker_store is None else endpoints.tracker_store
    return dataclasses.replace(settings, action_endpoint=endpoints.action_endpoint, tracker_store=store)
