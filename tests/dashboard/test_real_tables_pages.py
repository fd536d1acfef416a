"""The pages on the public tables of ``../shared/data`` (issue 11): degenerate results flagged
on their panel and never recommended, skewed features named with a scaling to apply, category
codes kept out of the default features, honest eps, the PCA view of 4+ features, segments
explained and an encoded category made visible. Callbacks are called with the app's services
and checked against scikit-learn and pandas run here."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from algorithms.diagnostics import suggest_eps
from dashboard.figures.scatter import display_rows
from dashboard.pages import compare_panels, personas_cards
from dashboard.pages.compare_controls import initial_values
from dashboard.pages.compare_metrics import metrics_outputs
from dashboard.pages.compare_panels import panel_request, panel_view, radius_hint, segmentation
from dashboard.pages.data import skew
from dashboard.pages.data import view as view_page
from dashboard.pages.diagnostics_panels import k_distance_outputs, sweep_outputs
from dashboard.services.analysis import View
from dashboard.shell.layout import dataset_caption
from tests.dash_helpers import as_upload, text_of

CC, WHOLESALE = "CC GENERAL.csv", "Wholesale customers data.csv"
SPEND = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]
CC_FIVE = ("BALANCE", "PURCHASES", "CREDIT_LIMIT", "PAYMENTS", "CASH_ADVANCE")


def stored(services, shared_data, name: str) -> tuple[pd.DataFrame, str]:
    path = shared_data / name
    if not path.exists():
        pytest.skip(f"the shared dataset {name!r} is not at {path}")
    table = pd.read_csv(path)
    return table, services.datasets.put(table, name).dataset_id


def scaled(table: pd.DataFrame, features) -> np.ndarray:
    return StandardScaler().fit_transform(table[list(features)].dropna())


def shares(labels: np.ndarray) -> np.ndarray:
    clustered = labels[labels >= 0]
    return np.bincount(clustered) / len(clustered)


def degenerate(labels: np.ndarray) -> bool:
    """As issue 11 defines it, from labels scikit-learn gave."""
    segment_shares = shares(labels)
    return (
        len(segment_shares) <= 1
        or segment_shares.max() > 0.9
        or segment_shares.min() < 0.01
        or (labels == -1).mean() > 0.3
    )


def shown_panel(services, view: dict, method: str, **controls):
    request, _ = panel_request(services, view, method, initial_values(method, {}) | controls)
    return request, panel_view(services, request)


def knee_eps(matrix: np.ndarray, min_samples: int) -> float:
    distances, _ = NearestNeighbors(n_neighbors=min_samples).fit(matrix).kneighbors(matrix)
    return suggest_eps(np.sort(distances[:, -1]))


# --- 1. verdicts that refuse degenerate results -------------------------------------------


@pytest.fixture
def cc_two(services, shared_data):
    table, dataset_id = stored(services, shared_data, CC)
    return table, View(dataset_id, ("BALANCE", "PURCHASES")).as_store()


def test_cc_degenerate_panels_are_flagged_and_never_recommended(services, cc_two):
    table, view = cc_two
    matrix = scaled(table, ["BALANCE", "PURCHASES"])
    reference = {
        "kmeans": KMeans(5, n_init=10, random_state=0).fit(matrix).labels_,
        "hierarchical": AgglomerativeClustering(4, linkage="average").fit(matrix).labels_,
    }
    assert shares(reference["hierarchical"]).max() > 0.9  # the case, as sklearn sees it
    requests = {}
    for method, controls in (
        ("kmeans", {}),
        ("hierarchical", {"linkage": "average", "n_clusters": 4}),
    ):
        requests[method], panel = shown_panel(services, view, method, **controls)
        flagged = "Not recommended" in text_of(panel.alert)
        assert flagged == degenerate(reference[method]), method
    hierarchical_alert = text_of(
        shown_panel(services, view, "hierarchical", linkage="average", n_clusters=4)[1].alert
    )
    largest = shares(reference["hierarchical"]).max()
    assert (
        f"{largest:.0%}".replace("%", " %") in hierarchical_alert or ">99 %" in hierarchical_alert
    )
    _, verdict, _ = metrics_outputs(services, requests)
    usable = [label for m, label in (("kmeans", "K-Means"), ("hierarchical", "Hierarchical"))
              if not degenerate(reference[m])]  # fmt: skip
    if usable:
        assert verdict.startswith(f"The metrics favour {usable[0]}")
    else:
        assert verdict.startswith("No result is recommended")
        # the view's features are named in the advice when pandas finds them heavily skewed
        skewed = [c for c in ("BALANCE", "PURCHASES") if abs(table[c].skew()) > 2]
        assert all(f"'{c}'" in verdict for c in skewed) and skewed
    assert "Hierarchical is not recommended" in verdict or "Hierarchical:" in verdict


def test_diagnostics_recommends_only_a_k_with_usable_segments(services, cc_two):
    table, view = cc_two
    block = text_of(sweep_outputs(services, view, [1, 8])[3])
    matrix = scaled(table, ["BALANCE", "PURCHASES"])
    by_k = {k: KMeans(k, n_init=10, random_state=0).fit(matrix).labels_ for k in range(2, 9)}
    usable = [k for k, labels in by_k.items() if not degenerate(labels)]
    if not usable:
        assert block.startswith("No k recommended")
        return
    recommended = int(re.search(r"k = (\d+)", block).group(1))
    assert recommended in usable
    skipped = {
        int(k)
        for group in re.findall(r"k=([\d, and]+) \(", block)
        for k in re.findall(r"\d+", group)
    }
    assert skipped == set(by_k) - set(usable)


def test_no_k_left_says_why_and_what_next(services):
    rng = np.random.default_rng(0)
    blob = rng.normal(0, 1, (600, 2))
    outliers = np.array([[400.0, 0], [0, 400.0], [-400.0, 0], [0, -400.0]])
    table = pd.DataFrame(np.vstack([blob, outliers]), columns=["x", "y"])
    matrix = StandardScaler().fit_transform(table)
    for k in (2, 3, 4):
        assert degenerate(KMeans(k, n_init=10, random_state=0).fit(matrix).labels_)
    info = services.datasets.put(table, "blob.csv")
    block = text_of(
        sweep_outputs(services, View(info.dataset_id, ("x", "y")).as_store(), [2, 4])[3]
    )
    assert block.startswith("No k recommended")
    skipped = {
        int(k)
        for group in re.findall(r"k=([\d, and]+) \(", block)
        for k in re.findall(r"\d+", group)
    }
    assert skipped == {2, 3, 4} and "Next, try" in block


# --- 2. skewed features and category codes on the Data page --------------------------------


def test_skewed_features_are_named_with_a_scaling_to_apply(services, cc_two):
    table, view = cc_two
    skewness = {c: table[c].skew() for c in ("BALANCE", "PURCHASES")}
    assert all(abs(s) > 2 for s in skewness.values())
    note, label, value, style = skew.skew_outputs(services, view)
    for column, value_skew in skewness.items():
        assert f"'{column}' (skewness {value_skew:.1f})" in note
    assert (table[["BALANCE", "PURCHASES"]].min() >= 0).all()
    assert value == "log" and label == "Apply log scaling" and style == {}
    logged_note, _, logged_value, logged_style = skew.skew_outputs(
        services, view | {"scaling": "log"}
    )
    assert "log scaling spreads them" in logged_note
    assert logged_value is None and logged_style == skew.HIDDEN


def test_no_skew_note_for_the_mall(services):
    view = View(services.sample.dataset_id, ("Annual Income (k$)", "Spending Score (1-100)"))
    assert skew.skew_outputs(services, view.as_store())[0] is None


def test_wholesale_codes_are_categories_not_default_features(services, shared_data):
    path = shared_data / WHOLESALE
    if not path.exists():
        pytest.skip(f"the shared dataset is not at {path}")
    table = pd.read_csv(path)
    codes = [
        c for c in table.columns
        if pd.api.types.is_integer_dtype(table[c]) and 2 <= table[c].nunique() <= 10
    ]  # fmt: skip
    assert codes == ["Channel", "Region"]
    start = View(services.sample.dataset_id, ("Age", "Annual Income (k$)")).as_store()
    controls = view_page.view_controls(
        services, view_page.ids.UPLOAD, start, contents=as_upload(path.read_bytes()),
        filename=WHOLESALE,
    )  # fmt: skip
    assert not set(controls.store["features"]) & set(codes)
    assert controls.store["features"] == SPEND[:2]
    assert {o["value"] for o in controls.categorical_options} >= set(codes)
    labels = {o["value"]: o["label"] for o in controls.feature_options}
    assert all(labels[c] == f"{c} (category code)" for c in codes)
    assert labels["Fresh"] == "Fresh"


# --- 3. honest eps -------------------------------------------------------------------------


@pytest.fixture
def wholesale_spend(services, shared_data):
    table, dataset_id = stored(services, shared_data, WHOLESALE)
    return table, View(dataset_id, tuple(SPEND)).as_store()


def test_a_suggested_eps_giving_one_segment_is_said_with_what_to_try(services, wholesale_spend):
    table, view = wholesale_spend
    matrix = scaled(table, SPEND)
    eps = knee_eps(matrix, 5)
    labels = DBSCAN(eps=float(f"{eps:.4g}"), min_samples=5).fit(matrix).labels_
    assert len(set(labels) - {-1}) == 1  # what the issue reports, as scikit-learn finds it
    alert = text_of(k_distance_outputs(services, view, 5)[0])
    assert "gives one segment" in alert and "Try log or power scaling" in alert
    hint = radius_hint(services, view, 5)
    assert "gives one segment" in text_of(hint)


def test_a_usable_eps_gets_no_warning_and_the_curve_has_a_log_axis(services, cc_two):
    table, view = cc_two
    matrix = scaled(table, ["BALANCE", "PURCHASES"])
    eps = float(f"{knee_eps(matrix, 5):.4g}")
    labels = DBSCAN(eps=eps, min_samples=5).fit(matrix).labels_
    one_or_noisy = len(set(labels) - {-1}) <= 1 or (labels == -1).mean() > 0.3
    alert, figure, *_, note = k_distance_outputs(services, view, 5, log_axis=True)
    assert (alert is not None) == one_or_noisy
    assert figure.layout.yaxis.type == "log"
    assert k_distance_outputs(services, view, 5)[1].layout.yaxis.type != "log"
    assert "knee is found on the log of the distances" in text_of(note)


# --- 4. a view of more than three features -------------------------------------------------


def test_four_or_more_features_are_drawn_on_their_principal_components(services, shared_data):
    table, dataset_id = stored(services, shared_data, CC)
    view = View(dataset_id, CC_FIVE).as_store()
    request, panel = shown_panel(services, view, "kmeans", n_clusters=3)
    matrix = scaled(table, CC_FIVE)
    pca = PCA(n_components=2, random_state=0).fit(matrix)
    titles = [f"PC{i + 1} ({r:.0%} of variance)".replace("%", " %") for i, r in
              enumerate(pca.explained_variance_ratio_)]  # fmt: skip
    assert panel.figure.layout.xaxis.title.text == titles[0]
    assert panel.figure.layout.yaxis.title.text == titles[1]
    labels = segmentation(services, request).labels
    rows, sample_note = display_rows(labels, compare_panels.PANEL_POINTS, compare_panels.SEED)
    expected, labels = pca.transform(matrix)[rows], labels[rows]
    assert len(rows) < len(matrix) and sample_note in panel.note  # about PANEL_POINTS
    for trace in panel.figure.data:
        cluster = trace.meta["cluster"]
        if not isinstance(cluster, int):
            continue
        drawn = np.column_stack([trace.x, trace.y])
        members = expected[labels == cluster]
        assert drawn.shape == members.shape
        signs = np.sign(np.sum(drawn * members, axis=0))  # components are unique up to sign
        np.testing.assert_allclose(drawn * signs, members, atol=1e-6)
    assert "fitted on all 5 features" in panel.note
    arrows = {a.text for a in panel.figure.layout.annotations if a.showarrow}
    assert arrows and arrows <= set(CC_FIVE)


def test_two_features_are_drawn_as_they_are(services, cc_two):
    _, view = cc_two
    _, panel = shown_panel(services, view, "kmeans", n_clusters=3)
    assert panel.figure.layout.xaxis.title.text == "BALANCE"
    assert "principal components" not in panel.note


# --- 5. segments explained -----------------------------------------------------------------


def rule_mask(text: str, values: pd.DataFrame) -> np.ndarray:
    mask = np.ones(len(values), dtype=bool)
    for condition in text.split(" and "):
        column, op, threshold = re.fullmatch(r"(.+) (>|≤) ([\d.,-]+)", condition).groups()
        number = float(threshold.replace(",", ""))
        column_values = values[column].to_numpy()
        mask &= column_values > number if op == ">" else column_values <= number
    return mask


def test_compare_profile_and_persona_cards_explain_each_segment(services):
    features = ("Annual Income (k$)", "Spending Score (1-100)")
    view = View(services.sample.dataset_id, features).as_store()
    request, panel = shown_panel(services, view, "kmeans", n_clusters=5)
    result = segmentation(services, request)
    values = services.analysis.table(services.sample.dataset_id)[list(features)]
    items = [
        c for c in panel.profile._traverse() if getattr(c, "className", "") == "segment-explained"
    ]
    assert len(items) == 5
    table_values = values[np.asarray(result.row_mask)]
    for item in items:
        cluster = int(item.to_plotly_json()["props"]["data-cluster"])
        text = text_of(item)
        rule = re.search(r"Rule: (.+) \(precision (\d+) %, coverage (\d+) %\)", text)
        assert rule, text
        matched = rule_mask(rule.group(1), table_values)
        in_segment = result.labels == cluster
        precision = (matched & in_segment).sum() / matched.sum()
        coverage = (matched & in_segment).sum() / in_segment.sum()
        assert int(rule.group(2)) == round(100 * precision)
        assert int(rule.group(3)) == round(100 * coverage)
        inside = table_values[in_segment].mean()
        outside = table_values[~in_segment].mean()
        gaps = ((inside - outside) / table_values.std(ddof=0)).abs().sort_values(ascending=False)
        first = re.search(r"sets apart (\S+)", text).group(1)
        assert first in {"Income", "Spending"}
        assert {"Income": features[0], "Spending": features[1]}[first] == gaps.index[0]
    card = personas_cards.persona_card(
        {"cluster": 0, "name": "A", "color": "#123456"}, result.summary, read_only=True
    )
    card_text = text_of(card)
    assert "Sets apart:" in card_text and "Rule:" in card_text


# --- 6. one-hot made visible ---------------------------------------------------------------


def test_an_encoded_category_is_named_mixed_and_said(services, wholesale_spend):
    table, view = wholesale_spend
    encoded = view | {"features": SPEND[:3], "categorical": "Channel"}
    assert dataset_caption(services, encoded).endswith("· Channel one-hot")
    request, panel = shown_panel(services, encoded, "kmeans", n_clusters=3)
    assert "segments may differ by Channel" in panel.note
    assert "Channel mix" in text_of(panel.profile)
    result = segmentation(services, request)
    channels = table.loc[np.asarray(result.row_mask), "Channel"].to_numpy()
    rows = [r for r in panel.profile._traverse() if type(r).__name__ == "Tr"][1:]
    for cluster, row in zip(sorted(set(result.labels)), rows, strict=False):
        mix = pd.Series(channels[result.labels == cluster]).value_counts(normalize=True)
        cells = text_of(row.children[-1])
        for level, share in mix.items():
            assert f"{level} {share:.0%}".replace("%", " %") in cells
