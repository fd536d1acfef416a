"""Component ids of the Compare page.

Each method's panel has the same parts, so a panel's ids are one ``PanelIds`` built from the
method's name (``KMEANS.figure == "compare-kmeans-figure"``); plain strings, because
background callbacks do not accept pattern-matching ids.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PanelIds:
    method: str

    def _id(self, part: str) -> str:
        return f"compare-{self.method}-{part}"

    @property
    def request(self) -> str:
        """Store: the view, method and parameters the panel should show."""
        return self._id("request")

    @property
    def background_request(self) -> str:
        """Store: a request too large to fit inside a web request, for the background fit."""
        return self._id("background-request")

    @property
    def fitted(self) -> str:
        """Store: written by the background fit when its result is in the cache."""
        return self._id("fitted")

    @property
    def shown(self) -> str:
        """Store: the request whose result the panel shows (None while there is none)."""
        return self._id("shown")

    @property
    def colors(self) -> str:
        """Store: the colour each shown segment is drawn in, kept while the result is."""
        return self._id("colors")

    @property
    def alert(self) -> str:
        return self._id("alert")

    @property
    def running(self) -> str:
        return self._id("running")

    @property
    def cancel(self) -> str:
        return self._id("cancel")

    @property
    def body(self) -> str:
        """The scatter, note and profile: dimmed while a background fit runs."""
        return self._id("body")

    @property
    def figure(self) -> str:
        return self._id("figure")

    @property
    def note(self) -> str:
        return self._id("note")

    @property
    def profile(self) -> str:
        return self._id("profile")

    @property
    def use(self) -> str:
        return self._id("use")

    @property
    def diagnose(self) -> str:
        return self._id("diagnose")

    @property
    def column(self) -> str:
        """The panel's column: hidden while the method is not among those compared."""
        return self._id("column")

    @property
    def hint(self) -> str:
        """The radius suggested from the k-distance curve (methods with one)."""
        return self._id("hint")

    @property
    def cut_by(self) -> str:
        """Which of the method's two cut parameters is used (methods declaring a cut)."""
        return self._id("cut-by")

    def control(self, param: str) -> str:
        return self._id(f"param-{param}")

    def help(self, param: str) -> str:
        return self._id(f"help-{param}")


def panel(method: str) -> PanelIds:
    """The ids of a method's panel (any method of the registry)."""
    return PanelIds(method)


KMEANS = panel("kmeans")
DBSCAN = panel("dbscan")
HIERARCHICAL = panel("hierarchical")
"""The default panels by name, for tests and benchmarks that drive them."""

METHOD_CHOICE = "compare-methods"
LINK_NOTE = "compare-link-note"

METRICS = "compare-metrics"
METRICS_VERDICT = "compare-metrics-verdict"
AGREEMENT = "compare-agreement"
CROSSTAB_ROWS = "compare-crosstab-rows"
CROSSTAB_COLUMNS = "compare-crosstab-columns"
CROSSTAB = "compare-crosstab"
