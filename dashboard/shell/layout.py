"""The frame every page sits in: navigation, the current data and feature set, page alerts."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from algorithms.profiling import short_name
from dashboard import ids
from dashboard.shell.health import health_report, outage_message


def shell(default_view: dict, pages: list[dict]) -> html.Div:
    """The frame around ``dash.page_container``; ``pages`` are the pages' registrations
    (``PAGE``: path, name, order), linked from the navbar in their order."""
    navbar = dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Segmenta", href="/compare"),
                dbc.Nav(
                    [
                        dbc.NavItem(dbc.NavLink(page["name"], href=page["path"], active="exact"))
                        for page in sorted(pages, key=lambda page: page["order"])
                    ],
                    navbar=True,
                ),
                html.Span(id=ids.DATASET_BADGE, className="dataset-badge text-light ms-auto"),
                copy_link(),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="mb-3",
    )
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Store(id=ids.VIEW, storage_type="session", data=default_view),
            dcc.Store(id=ids.PAGE_QUERY),
            dcc.Store(id=ids.SHARE_ADDRESS),
            dcc.Store(id=ids.NAV_QUERIES, storage_type="session"),
            navbar,
            dbc.Container(
                [html.Div(id=ids.OUTAGE_BANNER), html.Div(id=ids.PAGE_ALERT), dash.page_container],
                fluid=True,
                className="pb-5",
            ),
        ]
    )


def copy_link() -> html.Div:
    """The "Copy link" button (the address bar holds the same link)."""
    return html.Div(
        [
            dcc.Clipboard(
                id=ids.COPY_LINK,
                content="",
                children="Copy link",
                copied_children="Link copied",
                title="Copy a link that opens this view, to paste in a chat or an email",
                className="btn btn-outline-light btn-sm",
            ),
            dbc.Input(
                id=ids.COPY_LINK_TEXT,
                readonly=True,
                size="sm",
                style={"display": "none"},
                placeholder="link to this view",
            ),
        ],
        className="d-flex align-items-center gap-2 ms-3",
    )


def register_shell_callbacks(app, services) -> None:
    @app.callback(dash.Output(ids.DATASET_BADGE, "children"), dash.Input(ids.VIEW, "data"))
    def show_dataset(view):
        return dataset_caption(services, view)

    @app.callback(dash.Output(ids.OUTAGE_BANNER, "children"), dash.Input(ids.URL, "pathname"))
    def show_outage(_pathname):
        return outage_banner(services)


def outage_banner(services) -> dbc.Alert | None:
    message = outage_message(health_report(services))
    return dbc.Alert(message, color="danger", className="mb-2") if message else None


def dataset_caption(services, view: dict | None) -> str:
    """'Mall customers (sample) · 200 customers · Income × Spending (standard)', then
    '· Gender one-hot' when a category is encoded: segments may differ by it alone."""
    if not view:
        return ""
    try:
        info = services.datasets.info(view["dataset_id"])
    except Exception:  # noqa: BLE001  (a removed dataset: show nothing rather than fail)
        return ""
    features = " × ".join(short_name(f) for f in view["features"])
    caption = f"{info.name} · {info.n_rows:,} customers · {features} ({view['scaling']})"
    if view.get("categorical"):
        caption += f" · {view['categorical']} one-hot"
    return caption
