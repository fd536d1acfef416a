"""Column names, segment names and cells reach the Compare figures as text, never as plotly's
label markup: a column ``<b>Income</b>`` is drawn as written, not bold (checked on the figure
dicts the browser receives)."""

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.scatter import SCENE_TITLE_CHARS, cluster_scatter
from dashboard.pages.compare_controls import initial_values
from dashboard.pages.compare_metrics import crosstab_output
from dashboard.pages.compare_panels import panel_request, panel_view
from dashboard.services.analysis import View
from tests.dashboard.hover_reading import hover_values

INCOME, SPEND, AGE = "<b>Income</b>", "Spend & Save", 'Age "years"'
MARKUP = ("<b>Income", "<i>", "&amp;amp;", "&quot;")
"""What must never reach a figure: the raw tag, a cell's tag, double escaping, and the
``&quot;`` plotly would show literally."""


@pytest.fixture
def dataset_id(services) -> str:
    rng = np.random.default_rng(7)
    centres = np.repeat([[20.0, 20.0, 25.0], [80.0, 80.0, 60.0], [20.0, 80.0, 40.0]], 40, axis=0)
    values = centres + rng.normal(0, 4, centres.shape)
    table = pd.DataFrame(
        {
            "Customer": [f"<i>c{i}</i>" for i in range(len(values))],
            INCOME: values[:, 0],
            SPEND: values[:, 1],
            AGE: values[:, 2],
        }
    )
    return services.datasets.put(table, "markup.csv").dataset_id


def panel_figure(services, dataset_id: str, method: str, features: tuple[str, ...]):
    view = View(dataset_id, features).as_store()
    values = initial_values(method, {}) | {"n_clusters": 3}
    request, _ = panel_request(services, view, method, values)
    shown = panel_view(services, request)
    assert shown.alert is None
    return request, shown.figure


def strings_in(value) -> list[str]:
    """Every string of a figure dict that plotly draws (titles, names, templates, customdata...;
    not ``uirevision``, a key that is never shown)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        drawn = (item for key, item in value.items() if key != "uirevision")
        return [text for item in drawn for text in strings_in(item)]
    if isinstance(value, list | tuple | np.ndarray):
        return [text for item in list(value) for text in strings_in(item)]
    return []


def assert_drawn_as_text(figure) -> None:
    for text in strings_in(figure.to_plotly_json()):
        assert not any(markup in text for markup in MARKUP), text


def segment_traces(figure) -> list:
    return [trace for trace in figure.data if isinstance(trace.meta["cluster"], int)]


def test_a_2d_scatter_escapes_axis_titles_hover_and_legend(services, dataset_id):
    _, figure = panel_figure(services, dataset_id, "kmeans", (INCOME, SPEND))
    assert_drawn_as_text(figure)
    assert figure.layout.xaxis.title.text == "&lt;b&gt;Income&lt;/b&gt;"
    assert figure.layout.yaxis.title.text == "Spend &amp; Save"
    traces = segment_traces(figure)
    for trace in traces:
        assert "&lt;b&gt;Income&lt;/b&gt;: %{customdata[" in trace.hovertemplate
        assert "Spend &amp; Save: %{customdata[" in trace.hovertemplate
        customers = [hover_values(trace, i)["Customer"] for i in range(len(trace.x))]
        assert all(customer.startswith("&lt;i&gt;c") for customer in customers), customers
    drafted = " ".join(trace.name for trace in traces)
    assert "&lt;b&gt;Income&lt;/b&gt;" in drafted, "the drafted labels name the column"
    (centroids,) = [trace for trace in figure.data if trace.meta["cluster"] == "centroids"]
    assert "&lt;b&gt;Income&lt;/b&gt;: %{x" in centroids.hovertemplate
    assert set(centroids.text) == {trace.name for trace in traces}


def test_a_3d_scatter_escapes_its_axis_titles(services, dataset_id):
    _, figure = panel_figure(services, dataset_id, "hierarchical", (INCOME, SPEND, AGE))
    assert_drawn_as_text(figure)
    scene = figure.layout.scene
    assert (scene.xaxis.title.text, scene.yaxis.title.text, scene.zaxis.title.text) == (
        "&lt;b&gt;Income&lt;/b&gt;",
        "Spend &amp; Save",
        'Age "years"',
    )


def test_the_crosstab_escapes_segment_names(services, dataset_id):
    features = (INCOME, SPEND)
    methods = ("kmeans", "hierarchical")
    shown = {m: panel_figure(services, dataset_id, m, features)[0] for m in methods}
    figure = crosstab_output(services, shown, *methods)
    assert_drawn_as_text(figure)
    for names in (figure.data[0].x, figure.data[0].y):
        assert any("&lt;b&gt;Income&lt;/b&gt;" in name for name in names)


def test_3d_axis_titles_fit_a_panel_and_hover_keeps_the_full_names():
    long_name = "PURCHASES_INSTALLMENTS_FREQUENCY"
    points = pd.DataFrame({long_name: [0.0, 1.0], "Fresh": [3.0, 112_151.0], "Age": [18, 70]})
    figure = cluster_scatter(points, np.array([0, 1]))
    scene = figure.layout.scene
    assert scene.xaxis.title.text == long_name[: SCENE_TITLE_CHARS - 1] + "…"
    assert (scene.yaxis.title.text, scene.zaxis.title.text) == ("Fresh", "Age")
    assert scene.yaxis.tickformat == "~s"  # 112k, not 112,151
    assert scene.xaxis.tickformat is None and scene.zaxis.tickformat is None
    assert long_name in figure.data[0].hovertemplate
