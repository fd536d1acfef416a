"""Every ``/api/`` answer that is an error is JSON ``{"error": "..."}`` with its HTTP status.

Scripts read these answers, and a monitor pages someone on a 503: so an unknown path is a
404 (not the app's page with 200), a wrong method a 405, a refused sign-in a 401, a body over
the limit a 413, a bug a 500, and only a database that cannot be reached a 503.
"""

import logging

from flask import Blueprint, Flask, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from dashboard.storage.db import StorageUnavailable, outage_description

API_PREFIX = "/api"
LOG = logging.getLogger("segmenta.api")


class ApiError(Exception):
    """A refusal with its status and a message that says what to change."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def api_error(status: int, message: str, headers: dict | None = None):
    return jsonify({"error": message}), status, headers or {}


def is_outage(error: Exception) -> bool:
    """The database cannot be reached (or lost its connection): not a bad request or a bug."""
    if isinstance(error, StorageUnavailable | OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def api_blueprint(name: str, url_prefix: str) -> Blueprint:
    """A blueprint whose refusals, bugs and database outages all answer JSON."""
    api = Blueprint(name, __name__, url_prefix=url_prefix)

    @api.errorhandler(ApiError)
    def refused(error: ApiError):
        return api_error(error.status, error.message)

    @api.errorhandler(Exception)
    def failed(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if is_outage(error):
            return api_error(503, outage_description(error))
        LOG.error("%s %s failed", request.method, request.path, exc_info=error)
        return api_error(500, "the server failed to answer; the error is in its log")

    return api


def register_api_errors(server: Flask) -> None:
    """JSON for what happens before an API view runs: unknown paths and wrong methods."""

    @server.before_request
    def unknown_api_path():
        """An ``/api/`` path no API route has would otherwise get the app page's catch-all."""
        routed = request.url_rule
        catch_all = routed is None or not is_api_path(routed.rule)
        if is_api_path(request.path) and request.routing_exception is None and catch_all:
            raise NotFound()

    server.register_error_handler(HTTPException, http_error)


def http_error(error: HTTPException):
    if not is_api_path(request.path):
        return error
    if isinstance(error, MethodNotAllowed) and not _api_route_exists(error.valid_methods):
        error = NotFound()
    if isinstance(error, NotFound):
        return api_error(404, f"there is no {request.path} in this API: see the README")
    if isinstance(error, MethodNotAllowed):
        allowed = ", ".join(sorted(error.valid_methods or ()))
        message = f"{request.method} is not allowed on {request.path}: use {allowed}"
        return api_error(405, message, {"Allow": allowed})
    return api_error(error.code or 500, error.description or error.name)


def _api_route_exists(methods) -> bool:
    """Whether the path names an API route for one of ``methods`` (those of the rules the
    path matched); if not, the 405 came from the app page's catch-all."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in methods or ():
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except HTTPException:
            continue
        if is_api_path(rule.rule):
            return True
    return False
