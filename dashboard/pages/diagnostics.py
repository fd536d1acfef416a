"""Diagnostics page (placeholder until its issue builds it)."""

from dash import html

PAGE = {
    "path": "/diagnostics",
    "name": "Diagnostics",
    "title": "Segmenta · Diagnostics",
    "order": 2,
}


def layout(**_query):
    return html.Div(html.H3("Diagnostics"))


def register_callbacks(app, services) -> None:
    """This page has no callbacks yet."""
