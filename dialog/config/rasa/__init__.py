"""Readers for Rasa's own files: ``config.yml`` pipelines, rules, stories and forms.

Each turns a Rasa construct into what ``dialog`` runs natively (components, flow
documents), so the rest of ``dialog.config`` never needs to know Rasa's formats.
"""
