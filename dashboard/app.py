"""``create_app(config)``: the Dash app, its pages, stores and caches, built from a Config."""

import logging

import dash
from dash import Dash
from flask import redirect, request

from algorithms.threads import limit_compute_threads
from dashboard.api.datasets import register_dataset_api
from dashboard.api.persona_sets import register_api
from dashboard.config import REPO_ROOT, Config
from dashboard.pages import PAGES
from dashboard.services.background import background_manager
from dashboard.services.container import build_services
from dashboard.shell.access import protect
from dashboard.shell.health import register_health
from dashboard.shell.layout import register_shell_callbacks, shell
from dashboard.shell.request_log import register_request_log
from dashboard.shell.secret_key import secret_key
from dashboard.view.address_bar import register_address_bar
from dashboard.view.state import default_view


def create_app(config: Config | None = None) -> Dash:
    config = config or Config.from_env()
    signing_key = secret_key(config.secret_key, config.instance_path)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    limit_compute_threads()
    manager = background_manager(config)
    app = Dash(
        "segmenta",
        use_pages=True,
        pages_folder="",
        assets_folder=str(REPO_ROOT / "assets"),
        title="Segmenta",
        suppress_callback_exceptions=True,
        background_callback_manager=manager,
    )
    app.server.config.update(
        SECRET_KEY=signing_key,
        TESTING=config.testing,
        # an upload travels base64-encoded (4/3 of its size) inside the callback's JSON
        MAX_CONTENT_LENGTH=(config.upload_max_mb * 4 // 3 + 2) * 1024 * 1024,
    )
    services = build_services(config, app.server)
    app.server.extensions["segmenta"] = services
    app.server.extensions["segmenta.background"] = manager
    for page in PAGES:
        dash.register_page(page.__name__, layout=page.layout, **page.PAGE)
        page.register_callbacks(app, services)
    protect(app.server, config)
    register_request_log(app.server, config)
    register_health(app.server, services)
    app.server.before_request(redirect_root)
    register_api(app.server, services)
    register_dataset_api(app.server, services)
    register_shell_callbacks(app, services)
    register_address_bar(app, services, {page.PAGE["path"]: page.named_settings for page in PAGES})
    app.layout = shell(default_view(services).as_store(), [page.PAGE for page in PAGES])
    return app


def redirect_root():
    """``/`` opens the Compare page, where the sample's segments are shown at once."""
    if request.path == "/":
        return redirect("/compare")
    return None
