"""Data page (placeholder until its issue builds it)."""

from dash import html

PAGE = {"path": "/data", "name": "Data", "title": "Segmenta · Data", "order": 0}


def layout(**_query):
    return html.Div(html.H3("Data"))


def register_callbacks(app, services) -> None:
    """This page has no callbacks yet."""
