"""Component ids, as named constants: a typo is an import error, not a dead callback.

Ids shared by every page live here; each page's own ids live in the module of the same name
(``dashboard.ids.compare`` for ``dashboard.pages.compare``).
"""

URL = "url"
VIEW = "view"
DATASET_BADGE = "dataset-badge"
PAGE_ALERT = "page-alert"
OUTAGE_BANNER = "outage-banner"
