"""Stable JSON and CSV links to the team's persona sets, for other tools (a BI dashboard, a
mailing tool, a notebook): ``GET /api/persona-sets`` (``?q=`` searches name, dataset and
authors), ``GET /api/persona-sets/<id>`` (the latest version, ``?version=N`` another) and
``GET /api/persona-sets/<id>/customers.csv`` (the saved dataset's customers with their Cluster
and Persona in that version).

Every failure answers JSON ``{"error": "..."}``: 404 for an unknown set, version or a dataset
no longer stored, 400 for a bad parameter, so a script never has to parse an HTML error page.
"""

from flask import Blueprint, Flask, Response, jsonify, request

from algorithms.errors import DataError, SegmentaError
from dashboard.api.errors import ApiError, api_blueprint, register_api_errors
from dashboard.persona_sets import (
    PersonaSetNotFound,
    persona_set_record,
    saved_customer_table,
    summary_record,
)
from dashboard.services.spreadsheets import csv_bytes

# More digits than any stored id or version has: compared as "too large" without parsing.
MAX_DIGITS = 19


def register_api(server: Flask, services) -> None:
    register_api_errors(server)
    server.register_blueprint(persona_api(services))


def persona_api(services) -> Blueprint:
    api = api_blueprint("segmenta_api", "/api")

    @api.get("/persona-sets")
    def list_sets():
        query = request.args.get("q", "")
        sets = services.personas.list(query or None)
        return jsonify({"query": query, "persona_sets": [summary_record(s) for s in sets]})

    @api.get("/persona-sets/<set_id>")
    def get_set(set_id: str):
        return jsonify(persona_set_record(find_version(services, set_id)))

    @api.get("/persona-sets/<set_id>/customers.csv")
    def customers(set_id: str):
        version = find_version(services, set_id)
        try:
            table = saved_customer_table(services.datasets, version)
        except DataError as error:
            raise ApiError(
                404,
                f"the dataset of persona set {version.set_id} ({version.dataset_name}) is no "
                f"longer stored: {error}",
            ) from None
        except SegmentaError as error:
            raise ApiError(409, str(error)) from None
        filename = f"persona-set-{version.set_id}-v{version.version}-customers.csv"
        return Response(
            csv_bytes(table),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={filename}"},
        )

    return api


def find_version(services, set_id: str):
    number = whole_number(set_id)
    if number is None:
        raise ApiError(404, f"there is no persona set with id {set_id[:40]!r}: ids are numbers")
    version = request.args.get("version")
    version_number = None if version is None else whole_number(version)
    if version is not None and not version_number:
        raise ApiError(400, f"version must be a whole number from 1, not {version[:40]!r}")
    try:
        return services.personas.get(number, version_number)
    except PersonaSetNotFound as error:
        raise ApiError(404, str(error)) from None


def whole_number(text: str) -> int | None:
    """A number written in ASCII digits, else None: ``str.isdigit`` also accepts '²' (which
    ``int`` refuses) and '٣' (which ``int`` reads as 3). A number too long to be any id
    reads as 10**MAX_DIGITS, which the store answers "not found" to."""
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= MAX_DIGITS else 10**MAX_DIGITS
