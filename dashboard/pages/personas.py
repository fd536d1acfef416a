"""Personas page (placeholder until its issue builds it)."""

from dash import html

PAGE = {"path": "/personas", "name": "Personas", "title": "Segmenta · Personas", "order": 3}


def layout(**_query):
    return html.Div(html.H3("Personas"))


def register_callbacks(app, services) -> None:
    """This page has no callbacks yet."""
