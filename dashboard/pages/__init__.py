"""One module per page: its ``PAGE`` registration, ``layout`` and ``register_callbacks``."""

from dashboard.pages import compare, data, diagnostics, personas

PAGES = (data, compare, diagnostics, personas)
