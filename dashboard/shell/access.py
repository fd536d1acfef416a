"""Optional sign-in for the internal URL, and who is signed in.

Two ways, both off by default (a laptop needs neither):
- Basic auth with users from ``SEGMENTA_USERS`` ("ana:secret,bob:secret") or a file named by
  ``SEGMENTA_USERS_FILE`` (one ``name:password`` per line, where the password may be a
  werkzeug hash, ``name:scrypt:...`` or ``name:pbkdf2:...``, so the file holds no password).
  Only hashes are kept in memory, checked in constant time;
- a trusted reverse proxy that authenticates people and passes the name in a header
  (``SEGMENTA_USER_HEADER``, e.g. ``X-Forwarded-User``), believed only from the proxy's own
  addresses (``SEGMENTA_TRUSTED_PROXIES``, loopback by default): anyone else could send it.
The signed-in name is recorded as the author of persona edits. ``/healthz`` stays open for
load balancers.
"""

import hmac
import ipaddress
import secrets
from hashlib import sha256

from flask import Flask, Response, current_app, g, request
from werkzeug.security import check_password_hash, generate_password_hash

from algorithms.errors import SegmentaError
from dashboard.api.errors import api_error, is_api_path

PUBLIC_PATHS = ("/healthz",)
HASH_METHODS = ("scrypt:", "pbkdf2:")
EXTENSION = "segmenta.sign_in"


def parse_users(text: str) -> dict[str, str]:
    """'ana:pw,bob:pw' or one 'name:password' per line → {name: password or hash}."""
    users = {}
    for entry in text.replace("\n", ",").split(","):
        name, _, password = entry.strip().partition(":")
        if name and password:
            users[name] = password
    return users


def is_password_hash(value: str) -> bool:
    return value.startswith(HASH_METHODS) and value.count("$") == 2


def trusted_networks(text: str) -> tuple:
    """'10.0.0.5, 10.1.0.0/16' → the networks; a typo stops the start, naming the setting."""
    networks = []
    for entry in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise SegmentaError(
                f"SEGMENTA_TRUSTED_PROXIES has {entry!r}, which is not an IP address or network "
                "(e.g. 10.0.0.5 or 10.0.0.0/24)"
            ) from None
    return tuple(networks)


class Passwords:
    """The users' password hashes, and which credentials were already verified.

    A password hash is slow on purpose, and a browser sends its credentials with every asset
    and callback: a credential verified once is remembered (as a keyed digest, never as text)
    so that only new guesses pay for the hash.
    """

    def __init__(self, entries: dict[str, str]):
        self._hashes = {
            name: value if is_password_hash(value) else generate_password_hash(value)
            for name, value in entries.items()
        }
        self._unknown_user = generate_password_hash(secrets.token_urlsafe(16))
        self._key = secrets.token_bytes(32)
        self._verified: set[bytes] = set()

    def match(self, name: str, password: str) -> bool:
        digest = hmac.new(self._key, f"{name}\0{password}".encode(), sha256).digest()
        if digest in self._verified:
            return True
        # an unknown name costs the same hash, so timing does not tell which names exist
        matched = check_password_hash(self._hashes.get(name, self._unknown_user), password)
        if matched and name in self._hashes:
            self._verified.add(digest)
            return True
        return False


class SignIn:
    def __init__(self, config):
        self.user_header = config.trusted_user_header
        self.proxies = trusted_networks(config.trusted_proxies)
        self.passwords = Passwords(config.auth_users)

    def user(self) -> str | None:
        if self.user_header:
            if not self._from_trusted_proxy():
                return None
            return request.headers.get(self.user_header) or None
        credentials = request.authorization
        if credentials is None or not credentials.username:
            return None
        name, password = credentials.username, credentials.password or ""
        return name if self.passwords.match(name, password) else None

    def _from_trusted_proxy(self) -> bool:
        try:
            address = ipaddress.ip_address(request.remote_addr or "")
        except ValueError:
            return False
        return any(address in network for network in self.proxies)


def current_user(config) -> str | None:
    """The signed-in name for this request, or None when sign-in is off or failed.

    A basic-auth name counts only with its password, and a header name only from a trusted
    proxy: a refused request must not be logged (or a persona edit recorded) under the name
    it merely claimed.
    """
    if not (config.auth_users or config.trusted_user_header):
        return None
    if "segmenta_user" not in g:
        g.segmenta_user = current_app.extensions[EXTENSION].user()
    return g.segmenta_user


def protect(server: Flask, config) -> None:
    if not (config.auth_users or config.trusted_user_header):
        return
    server.extensions[EXTENSION] = SignIn(config)

    @server.before_request
    def require_sign_in():
        if request.path in PUBLIC_PATHS or current_user(config):
            return None
        if config.trusted_user_header:
            return _refused("Sign in through the team's portal.", {})
        return _refused("Sign in to use Segmenta.", {"WWW-Authenticate": 'Basic realm="Segmenta"'})


def _refused(message: str, headers: dict):
    """401: JSON for the API (scripts read it), text for the pages."""
    if is_api_path(request.path):
        return api_error(401, message, headers)
    return Response(message, 401, headers)
