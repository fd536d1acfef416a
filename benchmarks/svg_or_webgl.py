"""Where SVG stops drawing faster than WebGL in headless Chromium (no GPU, as CI and many
laptops in remote sessions): three plots of n points in five traces, ``scatter`` against
``scattergl``, from a blank page with plotly.js loaded until the frame after the last plot.
The Compare scatter switches at ``SVG_MAX_POINTS``.
"""

import shutil
import tempfile
from importlib import resources
from pathlib import Path

from benchmarks.harness import Options, Section, markdown_table, ratio

TITLE = "Scatter in headless Chromium: SVG against WebGL"
POINTS = (200, 1_000, 2_000, 3_000, 4_500, 6_000, 9_000)
REPEATS = 3
PAGE = """<html><head><script src="plotly.min.js"></script></head><body>
<div id="a"></div><div id="b"></div><div id="c"></div><script>
function draw(kind, n) {
  const started = performance.now();
  const plots = ["a", "b", "c"].map(id => Plotly.newPlot(id, [0, 1, 2, 3, 4].map(() => {
    const x = Array.from({length: n / 5}, Math.random);
    const y = Array.from({length: n / 5}, Math.random);
    return {type: kind, mode: "markers", x, y, marker: {size: 7, opacity: 0.85}};
  }), {height: 420, width: 450}));
  return Promise.all(plots).then(() => new Promise(done =>
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - started), 0))));
}
</script></body></html>"""


def run(options: Options) -> Section:
    from dashboard.figures.scatter import SVG_MAX_POINTS

    folder = Path(tempfile.mkdtemp(prefix="segmenta-svg-"))
    try:
        plotly_js = resources.files("plotly") / "package_data" / "plotly.min.js"
        shutil.copy(str(plotly_js), folder / "plotly.min.js")
        (folder / "page.html").write_text(PAGE)
        rows = []
        for n in POINTS:
            svg, webgl = (
                _median_ms(folder / "page.html", kind, n) for kind in ("scatter", "scattergl")
            )
            rows.append([f"{n:,}", f"{svg:.0f} ms", f"{webgl:.0f} ms", ratio(svg, webgl)])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    body = markdown_table(["points per plot", "SVG", "WebGL", "SVG / WebGL"], rows) + (
        f"\n\nMedian of {REPEATS} fresh browsers each. The Compare scatter draws SVG up to "
        f"{SVG_MAX_POINTS:,} points and WebGL above."
    )
    return Section(TITLE, body)


def _median_ms(page: Path, kind: str, n: int) -> float:
    from selenium import webdriver

    from devtools.chromium import headless_chromium_options

    times = []
    for _ in range(REPEATS):
        driver = webdriver.Chrome(options=headless_chromium_options())
        try:
            driver.get(page.as_uri())
            script = f"const done = arguments[0]; draw('{kind}', {n}).then(done)"
            times.append(driver.execute_async_script(script))
        finally:
            driver.quit()
    return sorted(times)[len(times) // 2]
