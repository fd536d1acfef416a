"""Optional sign-in for the internal URL, and who is signed in.

Two ways, both off by default (a laptop needs neither):
- Basic auth with users from ``SEGMENTA_USERS`` ("ana:secret,bob:secret") or a file named by
  ``SEGMENTA_USERS_FILE`` (one ``name:password`` per line);
- a trusted reverse proxy that authenticates people and passes the name in a header
  (``SEGMENTA_USER_HEADER``, e.g. ``X-Forwarded-User``): requests without it are refused.
The signed-in name is recorded as the author of persona edits. ``/healthz`` stays open for
load balancers.
"""

import hmac

from flask import Flask, Response, request

from dashboard.api_errors import api_error, is_api_path

PUBLIC_PATHS = ("/healthz",)


def parse_users(text: str) -> dict[str, str]:
    """'ana:pw,bob:pw' or one 'name:password' per line → {name: password}."""
    users = {}
    for entry in text.replace("\n", ",").split(","):
        name, _, password = entry.strip().partition(":")
        if name and password:
            users[name] = password
    return users


def current_user(config) -> str | None:
    """The signed-in name for this request, or None when sign-in is off or failed.

    A basic-auth name counts only with its password: a refused request must not be logged
    (or a persona edit recorded) under the name it merely claimed.
    """
    if config.trusted_user_header:
        return request.headers.get(config.trusted_user_header) or None
    if not config.auth_users:
        return None
    credentials = request.authorization
    if credentials and _password_matches(config.auth_users, credentials):
        return credentials.username
    return None


def protect(server: Flask, config) -> None:
    if not (config.auth_users or config.trusted_user_header):
        return

    @server.before_request
    def require_sign_in():
        if request.path in PUBLIC_PATHS:
            return None
        if config.trusted_user_header:
            if request.headers.get(config.trusted_user_header):
                return None
            return _refused("Sign in through the team's portal.", {})
        credentials = request.authorization
        if credentials and _password_matches(config.auth_users, credentials):
            return None
        return _refused("Sign in to use Segmenta.", {"WWW-Authenticate": 'Basic realm="Segmenta"'})


def _refused(message: str, headers: dict):
    """401: JSON for the API (scripts read it), text for the pages."""
    if is_api_path(request.path):
        return api_error(401, message, headers)
    return Response(message, 401, headers)


def _password_matches(users: dict[str, str], credentials) -> bool:
    expected = users.get(credentials.username or "")
    given = credentials.password or ""
    return expected is not None and hmac.compare_digest(expected.encode(), given.encode())
