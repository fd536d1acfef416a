"""``/api/datasets``: scripts and other tools upload a customer table and find it again.

A CRM export pushed here lands in the same content-addressed store as a browser upload, so
every worker (and the link a teammate gets) sees it. Errors are JSON with a message that says
what to change; nothing an upload contains is executed or unpickled.
"""

from dataclasses import asdict

from flask import Blueprint, Flask, jsonify, request

from algorithms.errors import SegmentaError
from algorithms.loading import load_table


def _info_json(info) -> dict:
    return asdict(info) | {"stored_at": info.stored_at.isoformat()}


def register_dataset_api(server: Flask, services) -> None:
    api = Blueprint("dataset_api", __name__, url_prefix="/api/datasets")

    @api.get("")
    def list_datasets():
        return jsonify([_info_json(info) for info in services.datasets.list()])

    @api.get("/<dataset_id>")
    def dataset_info(dataset_id: str):
        try:
            return jsonify(_info_json(services.datasets.info(dataset_id)))
        except SegmentaError as error:
            return jsonify({"error": str(error)}), 404

    @api.post("")
    def upload_dataset():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return jsonify({"error": "Send the table as a multipart field named 'file'."}), 400
        try:
            table = load_table(upload.read(), upload.filename, limits=services.config.table_limits)
            info = services.datasets.put(table, request.form.get("name") or upload.filename)
        except SegmentaError as error:
            return jsonify({"error": str(error)}), 400
        return jsonify(_info_json(info)), 201

    server.register_blueprint(api)
