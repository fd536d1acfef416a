"""Component ids, as named constants: a typo is an import error, not a dead callback.

Ids shared by every page live here; each page's own ids live in the module of the same name
(``dashboard.ids.compare`` for ``dashboard.pages.compare``).
"""

URL = "url"
VIEW = "view"
DATASET_BADGE = "dataset-badge"
PAGE_ALERT = "page-alert"
OUTAGE_BANNER = "outage-banner"

# Shareable links (``dashboard.view``)
PAGE_QUERY = "page-query"  # what the open page shows, as URL settings
SHARE_ADDRESS = "share-address"  # the canonical address of the view and page
NAV_QUERIES = "nav-queries"  # each page's last settings, carried back by the navbar
COPY_LINK = "copy-link"
COPY_LINK_TEXT = "copy-link-text"  # the link to copy by hand where the clipboard is off
