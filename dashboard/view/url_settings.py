"""A page's settings in its URL: how each page reads its controls from ``layout(**query)``
and publishes them for the address bar (``dashboard.view.address`` writes the address).

A page declares its settings as ``Field``s (key, checked like a method ``Param``), reads
them with ``read_fields`` (bad values are left out and named in a ``link_note``), publishes
them with ``fields_state``/``page_state`` wrapped in ``changed_on_page``, and starts its
``layout`` with ``page_link``, which says whether the router should leave the page alone.
"""

import dataclasses
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import dash
import dash_bootstrap_components as dbc

from algorithms.errors import ParameterError, SegmentaError
from algorithms.methods import Param
from dashboard.view.url import Query, single, value_text, without_view

SHOWN = "share_shown"
"""Layout keyword: what the open page publishes (from the router's State)."""
REMEMBERED = "share_remembered"
"""Layout keyword: each page's last settings in this browser tab, by path."""


@dataclass(frozen=True)
class Field:
    """One page control carried in the URL under ``key``, checked like a method parameter."""

    key: str
    param: Param
    scaled: bool = False
    """A distance in the view's scaled units: blank means 'suggest one', and it is not
    carried to another view."""

    def read(self, text: str | list[str]) -> Any:
        """The control's value for the URL's text; ParameterError naming the key when bad."""
        param = dataclasses.replace(self.param, optional=self.scaled or self.param.optional)
        try:
            return param.check(single(text))
        except SegmentaError as error:
            raise type(error)(f"{self.key}: {error}") from None

    def text(self, value: Any) -> str:
        """``value`` as URL text, in the parameter's type (``4`` for 4.0, ``1.0`` for 1)."""
        try:
            return value_text(None if value is None else self.param.kind(value))
        except (TypeError, ValueError):
            return value_text(value)


def choice(key: str, default: str, choices: Iterable[str]) -> Field:
    return Field(key, Param(key, str, default, "", choices=tuple(choices)))


@dataclass(frozen=True)
class ChoicesField(Field):
    """Several of a set of choices, as comma-separated URL text in the choices' order."""

    def read(self, text: str | list[str]) -> tuple[str, ...]:
        chosen = [part.strip() for part in str(single(text) or "").split(",") if part.strip()]
        unknown = [part for part in chosen if part not in self.param.choices]
        if unknown or not chosen:
            raise ParameterError(
                f"{self.key}: choose one or more of {', '.join(self.param.choices)}"
                + (f", not {', '.join(unknown)}" if unknown else "")
            )
        return tuple(choice for choice in self.param.choices if choice in chosen)

    def text(self, value: Any) -> str:
        return ",".join(choice for choice in self.param.choices if choice in (value or ()))


def choices(key: str, default: Iterable[str], allowed: Iterable[str]) -> ChoicesField:
    return ChoicesField(key, Param(key, str, tuple(default), "", choices=tuple(allowed)))


def whole(key: str, default: int | None, low: int, high: int | None = None) -> Field:
    return Field(key, Param(key, int, default, "", low=low, high=high))


def distance(key: str, default: float | None = None, low: float = 1e-9) -> Field:
    return Field(key, Param(key, float, default, "", low=low, optional=True), scaled=True)


def read_fields(fields: Iterable[Field], query: Query) -> tuple[dict[str, Any], list[str]]:
    """(values by key, problems): the valid values the query names, and why others were
    left out (those controls keep their defaults)."""
    values, problems = {}, []
    for field in fields:
        if field.key not in query:
            continue
        try:
            values[field.key] = field.read(query[field.key])
        except SegmentaError as error:
            problems.append(str(error))
    return values, problems


def settings_text(fields: Iterable[Field], values: dict[str, Any]) -> dict[str, str]:
    """The values that are set (not None) as URL text: what a URL names, in the form the
    page publishes it (a blank distance asks for a suggestion, so it names nothing)."""
    return {
        field.key: field.text(values[field.key])
        for field in fields
        if values.get(field.key) is not None
    }


def page_state(path: str, query: Query, view_bound: Iterable[str] = ()) -> dict:
    """What a page publishes into ``ids.PAGE_QUERY``: its settings as URL text, and the part
    the navbar carries back to it: all but the ``view_bound`` keys, which only make sense
    for the current view (distances in its scaled units, the view itself)."""
    view_bound = set(view_bound)
    return {
        "page": path,
        "query": query,
        "carried": {key: value for key, value in query.items() if key not in view_bound},
    }


def fields_state(path: str, fields: Iterable[Field], values: dict[str, Any]) -> dict:
    """``page_state`` of a page whose settings are ``fields`` (scaled ones not carried)."""
    fields = list(fields)
    query = {field.key: field.text(values.get(field.key)) for field in fields}
    return page_state(path, query, [field.key for field in fields if field.scaled])


def link_note(problems: list[str]):
    """A small note naming the link's settings that were not valid (reset to defaults)."""
    if not problems:
        return None
    return dbc.Alert(
        ["Some settings in the link were not valid and were reset: ", "; ".join(problems)],
        color="info",
        className="mb-2 small",
        dismissable=True,
    )


@dataclass(frozen=True)
class PageLink:
    query: Query
    """The URL's query; when it names no page settings, the page's last settings instead."""
    unchanged: bool
    """The page already shows what the query asks: the router should leave it as it is."""


def page_link(path: str, query: dict, named: Callable[[Query], dict[str, str]]) -> PageLink:
    """What a page's ``layout(**query)`` should open with (see ``PageLink``); ``named`` is
    the page's ``named_settings``."""
    query = dict(query)
    shown = query.pop(SHOWN, None)
    remembered = query.pop(REMEMBERED, None) or {}
    if not without_view(query):
        query |= remembered.get(path) or {}
    if not shown or shown.get("page") != path:
        return PageLink(query, unchanged=False)
    asked = named(query)
    published = shown.get("query") or {}
    return PageLink(query, unchanged=all(published.get(k) == v for k, v in asked.items()))


def changed_on_page(state: dict) -> dict:
    """``state`` (from ``page_state``) as a page's publishing callback returns it: marked with
    a fresh ``edit`` when one of its inputs changed, unmarked when the page has just opened
    (its controls then show what its URL asked for). Call it inside the callback."""
    opened = dash.ctx.triggered_id is None
    return state | {"edit": None if opened else uuid.uuid4().hex}
