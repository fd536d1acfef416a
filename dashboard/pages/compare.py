"""Compare page (placeholder until its issue builds it)."""

from dash import html

PAGE = {"path": "/compare", "name": "Compare", "title": "Segmenta · Compare", "order": 1}


def layout(**_query):
    return html.Div(html.H3("Compare"))


def register_callbacks(app, services) -> None:
    """This page has no callbacks yet."""
