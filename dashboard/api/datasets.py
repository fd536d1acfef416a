"""``/api/datasets``: scripts and other tools upload a customer table and find it again.

A CRM export pushed here lands in the same content-addressed store as a browser upload, so
every worker (and the link a teammate gets) sees it. Errors are JSON with a message that says
what to change (413 for a file over the size limit, 400 for anything else wrong with it);
nothing an upload contains is executed or unpickled. ``DELETE`` removes a table no saved
persona set uses (``dashboard.services.dataset_removal``).
"""

import os
from dataclasses import asdict

from flask import Flask, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from algorithms.errors import DataError, SegmentaError
from algorithms.loading import load_table
from dashboard.api.errors import api_blueprint
from dashboard.services.dataset_removal import TableKept, remove_table


def _info_json(info) -> dict:
    return asdict(info) | {"stored_at": info.stored_at.isoformat()}


def register_dataset_api(server: Flask, services) -> None:
    api = api_blueprint("dataset_api", "/api/datasets")

    @api.get("")
    def list_datasets():
        return jsonify([_info_json(info) for info in services.datasets.list()])

    @api.get("/<dataset_id>")
    def dataset_info(dataset_id: str):
        try:
            return jsonify(_info_json(services.datasets.info(dataset_id)))
        except SegmentaError as error:
            return jsonify({"error": str(error)}), 404

    @api.delete("/<dataset_id>")
    def delete_dataset(dataset_id: str):
        """200 with the removed table; 404 unknown; 409 while persona sets use it, or the
        sample."""
        try:
            return jsonify({"deleted": _info_json(remove_table(services, dataset_id))})
        except TableKept as error:
            return jsonify({"error": str(error)}), 409
        except SegmentaError as error:
            return jsonify({"error": str(error)}), 404

    @api.errorhandler(RequestEntityTooLarge)
    def body_too_large(_error):
        """A body over the server's cap is refused while parsing, before the view has it."""
        return _over_limit(services, request.content_length or 0, "The upload")

    @api.post("")
    def upload_dataset():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return jsonify({"error": "Send the table as a multipart field named 'file'."}), 400
        upload.stream.seek(0, os.SEEK_END)
        size = upload.stream.tell()
        upload.stream.seek(0)
        if size > services.config.table_limits.max_bytes:
            return _over_limit(services, size, f"'{os.path.basename(upload.filename)}'")
        try:
            table = load_table(upload.read(), upload.filename, limits=services.config.table_limits)
            info = services.datasets.put(table, request.form.get("name") or upload.filename)
        except SegmentaError as error:
            return jsonify({"error": str(error)}), 400
        return jsonify(_info_json(info)), 201

    server.register_blueprint(api)


def _over_limit(services, size: int, source: str):
    """413 with the loader's own message for a file of ``size`` bytes over the limit."""
    try:
        services.config.table_limits.check_bytes(size, source)
        message = f"{source} is over the upload size limit: send a smaller file."
    except DataError as error:
        message = str(error)
    return jsonify({"error": message}), 413
