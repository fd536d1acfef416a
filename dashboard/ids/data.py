"""Component ids of the Data page (``dashboard.pages.data``)."""

ALERT = "data-alert"
PANEL_ALERT = "data-panel-alert"
SHOWN_VIEW = "data-shown-view"
LINKED_VIEW = "data-linked-view"  # the view the page's URL names, if any

DATASET = "data-dataset"
UPLOAD = "data-upload"
UPLOAD_HINT = "data-upload-hint"
UPLOAD_REJECTED = "data-upload-rejected"

FEATURES = "data-features"
PRESET_TWO = "data-preset-income-spending"
PRESET_THREE = "data-preset-age-income-spending"
SCALING = "data-scaling"
SCALING_NOTE = "data-scaling-note"
CATEGORICAL = "data-categorical"
FEATURE_NOTE = "data-feature-note"

COUNTS = "data-counts"
COLUMN_TABLE = "data-column-table"
HISTOGRAMS = "data-histograms"
SCATTER_MATRIX = "data-scatter-matrix"
SCATTER_NOTE = "data-scatter-note"
BOX_VALUE = "data-box-value"
BOX_GROUP = "data-box-group"
BOX_PLOT = "data-box-plot"
BOX_ALERT = "data-box-alert"
