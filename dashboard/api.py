"""Stable JSON and CSV links for other tools (placeholder until the persona issue builds it)."""

from flask import Flask


def register_api(server: Flask, services) -> None:
    """No API routes yet."""
