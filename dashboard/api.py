"""Stable JSON and CSV links to the team's persona sets, for other tools (a BI dashboard, a
mailing tool, a notebook): ``GET /api/persona-sets`` (``?q=`` searches name, dataset and
authors), ``GET /api/persona-sets/<id>`` (the latest version, ``?version=N`` another) and
``GET /api/persona-sets/<id>/customers.csv`` (the saved dataset's customers with their Cluster
and Persona in that version).

Every failure answers JSON ``{"error": "..."}``: 404 for an unknown set, version or a dataset
no longer stored, 400 for a bad parameter, so a script never has to parse an HTML error page.
"""

from flask import Blueprint, Flask, Response, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from algorithms.errors import DataError, SegmentaError
from dashboard.exports import csv_bytes
from dashboard.persona_sets import persona_set_record, saved_customer_table, summary_record
from dashboard.storage.db import StorageUnavailable, outage_description
from dashboard.storage.personas import PersonaSetNotFound


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def register_api(server: Flask, services) -> None:
    server.register_blueprint(persona_api(services))


def persona_api(services) -> Blueprint:
    api = Blueprint("segmenta_api", __name__, url_prefix="/api")

    @api.errorhandler(ApiError)
    def api_error(error: ApiError):
        return jsonify({"error": error.message}), error.status

    @api.errorhandler(SQLAlchemyError)
    @api.errorhandler(StorageUnavailable)
    def database_down(error: Exception):
        return jsonify({"error": outage_description(error)}), 503

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
    if not set_id.isdigit():
        raise ApiError(404, f"there is no persona set with id {set_id!r}: ids are numbers")
    version = request.args.get("version")
    if version is not None and (not version.isdigit() or int(version) < 1):
        raise ApiError(400, f"version must be a whole number from 1, not {version!r}")
    try:
        return services.personas.get(int(set_id), None if version is None else int(version))
    except PersonaSetNotFound as error:
        raise ApiError(404, str(error)) from None
