"""``gunicorn wsgi:server`` (``make serve``): one app per worker, configured from the env."""

from dashboard.app import create_app

app = create_app()
server = app.server
