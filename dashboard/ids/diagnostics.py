"""Component ids of the Diagnostics page (``dashboard.pages.diagnostics``)."""

# How many segments: the K-Means sweep (elbow, scores against k, recommendation)
K_RANGE = "diag-k-range"
SWEEP_ALERT = "diag-sweep-alert"
SWEEP_STATUS = "diag-sweep-status"
SWEEP_PROGRESS = "diag-sweep-progress"
SWEEP_PROGRESS_LABEL = "diag-sweep-progress-label"
SWEEP_CANCEL = "diag-sweep-cancel"
ELBOW_GRAPH = "diag-elbow-graph"
SCORES_GRAPH = "diag-scores-graph"
RECOMMENDATION = "diag-recommendation"
INSPECT_RECOMMENDED = "diag-inspect-recommended"

# Silhouette plot of one chosen result
SIL_METHOD = "diag-sil-method"


def sil_control(method: str, param: str) -> str:
    """A parameter control of the checked result, one per method and parameter."""
    return f"diag-sil-{method}-{param}"


def sil_group(method: str) -> str:
    """A method's group of controls, shown while that method is chosen."""
    return f"diag-sil-{method}-group"


SIL_ALERT = "diag-sil-alert"
SIL_GRAPH = "diag-sil-graph"
SIL_SUMMARY = "diag-sil-summary"

# Bootstrap stability of the same chosen result
STAB_RUN = "diag-stab-run"
STAB_STATUS = "diag-stab-status"
STAB_PROGRESS = "diag-stab-progress"
STAB_PROGRESS_LABEL = "diag-stab-progress-label"
STAB_CANCEL = "diag-stab-cancel"
STAB_ALERT = "diag-stab-alert"
STAB_RESULT = "diag-stab-result"
STAB_SHOWN = "diag-stab-shown"  # the result area, hidden while a check runs
STAB_GRAPH = "diag-stab-graph"
STAB_VERDICT = "diag-stab-verdict"
STAB_CHECKED = "diag-stab-checked"
STAB_STALE = "diag-stab-stale"


# Per-k criteria a method declares (a Gaussian mixture's BIC and AIC), beside the elbow
def criteria_graph(method: str) -> str:
    return f"diag-criteria-{method}-graph"


def criteria_alert(method: str) -> str:
    return f"diag-criteria-{method}-alert"


# k-distance curve for DBSCAN's eps
KDIST_MIN_SAMPLES = "diag-kdist-min-samples"
KDIST_ALERT = "diag-kdist-alert"
KDIST_GRAPH = "diag-kdist-graph"
KDIST_USE_EPS = "diag-kdist-use-eps"
KDIST_NOTE = "diag-kdist-note"
KDIST_LOG = "diag-kdist-log"

# Dendrogram of hierarchical clustering
TREE_LINKAGE = "diag-tree-linkage"
TREE_K = "diag-tree-k"
TREE_HEIGHT = "diag-tree-height"
TREE_ALERT = "diag-tree-alert"
TREE_GRAPH = "diag-tree-graph"
TREE_NOTE = "diag-tree-note"
