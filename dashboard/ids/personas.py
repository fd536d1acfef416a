"""Component ids of the Personas page.

Per-persona fields are pattern-matching ids ``{"type": NAME, "cluster": 3}``; the library's
buttons ``{"type": OPEN, "set": 12}`` (and ``"version"`` for restore).
"""

# Stores
QUERY = "personas-query"  # the saved set, or method and parameters, of the page's URL
SOURCE = "personas-source"  # what is edited: a fresh segmentation, or a saved set's version
LOADED = "personas-loaded"  # the saved set and version the next save builds on
AUTHOR_STORE = "personas-author-store"  # the author's name, kept in the browser
REFRESH = "personas-library-refresh"  # bumped when the library changed
TRACES = "personas-traces"  # scatter trace index of each persona
PENDING_DELETE = "personas-pending-delete"

# Editor
ALERT = "personas-alert"
SUMMARY = "personas-summary"
SET_NAME = "personas-set-name"
AUTHOR = "personas-author"
SAVE = "personas-save"
SAVE_STATUS = "personas-save-status"
LOADED_BADGE = "personas-loaded-badge"
CONFLICT = "personas-conflict"
CONFLICT_MESSAGE = "personas-conflict-message"
RELOAD_THEIRS = "personas-reload-theirs"
SAVE_AS_NEW = "personas-save-as-new"
CARRY_FROM = "personas-carry-from"
CARRY_REPORT = "personas-carry-report"
SCATTER = "personas-scatter"
CARDS = "personas-cards"

# Per-persona fields (pattern-matching types)
CARD = "persona-card"
CHART = "persona-chart"
NAME = "persona-name"
DESCRIPTION = "persona-description"
RECOMMENDATION = "persona-recommendation"
COLOR = "persona-color"
TAGS = "persona-tags"

# Exports
DOWNLOAD = "personas-download"
EXPORT_ALERT = "personas-export-alert"
EXPORT_CSV = "personas-export-csv"
EXPORT_XLSX = "personas-export-xlsx"
EXPORT_JSON = "personas-export-json"
EXPORT_HTML = "personas-export-html"
EXPORT_MD = "personas-export-md"
EXPORT_MODEL = "personas-export-model"

# Library
SEARCH = "personas-search"
LIBRARY = "personas-library"
LIBRARY_ALERT = "personas-library-alert"
OPEN = "persona-set-open"
HISTORY = "persona-set-history"
DUPLICATE = "persona-set-duplicate"
DELETE = "persona-set-delete"
RESTORE = "persona-set-restore"
HISTORY_MODAL = "personas-history-modal"
HISTORY_BODY = "personas-history-body"
DELETE_MODAL = "personas-delete-modal"
DELETE_MESSAGE = "personas-delete-message"
DELETE_CONFIRM = "personas-delete-confirm"
DELETE_CANCEL = "personas-delete-cancel"
