"""One module per page: its ``PAGE`` registration, ``layout``, ``register_callbacks`` and
``named_settings`` (the settings its URL names). The app registers each with Dash and hands
the registrations to the shell (``dashboard.shell.layout``, ``dashboard.view.address_bar``), which
import no page."""

from dashboard.pages import compare, data, diagnostics, personas

PAGES = (data, compare, diagnostics, personas)
