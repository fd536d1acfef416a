"""The profile table under each Compare panel's scatter: what each segment is, in numbers."""

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from algorithms.methods.base import NOISE
from algorithms.profiling import short_name
from dashboard.figures.colors import cluster_color, cluster_name

MAX_PROFILE_FEATURES = 6
MAX_PROFILE_ROWS = 20


def profile_table(
    profile: pd.DataFrame,
    features,
    names: dict[int, str],
    colors: dict[int, str] | None,
) -> html.Div:
    """Size, share and feature means (the table's units) of each segment, with its colour and
    drafted label; noise last."""
    shown = [f for f in features if f"mean {f}" in profile.columns][:MAX_PROFILE_FEATURES]
    header = html.Tr(
        [html.Th("Segment"), html.Th("Size"), html.Th("Share")]
        + [html.Th(short_name(f), title=f"mean {f}") for f in shown]
    )
    segments = profile[profile["cluster"] != NOISE]
    listed = pd.concat([segments.head(MAX_PROFILE_ROWS), profile[profile["cluster"] == NOISE]])
    rows = [_profile_row(row, shown, names, colors) for _, row in listed.iterrows()]
    if len(segments) > MAX_PROFILE_ROWS:
        rest = segments.iloc[MAX_PROFILE_ROWS:]
        rows.insert(
            MAX_PROFILE_ROWS,
            html.Tr(
                html.Td(
                    f"… {len(rest):,} smaller segments: {int(rest['size'].sum()):,} customers "
                    f"({rest['share'].sum():.0%})",
                    colSpan=3 + len(shown),
                ),
                className="text-muted",
            ),
        )
    return html.Div(
        [
            dbc.Table(
                [html.Thead(header), html.Tbody(rows)],
                size="sm",
                hover=True,
                className="profile-table mb-0",
            ),
            html.Div(_profile_caption(features, shown), className="small-note mb-2"),
        ],
        className="table-responsive",
    )


def _profile_caption(features, shown) -> str:
    caption = "Feature columns: segment means, in the table's units"
    if len(shown) < len(features):
        caption += f" (the first {len(shown)} of {len(features)} features)"
    return caption + "."


def _profile_row(row, features, names, colors) -> html.Tr:
    cluster = int(row["cluster"])
    swatch = html.Span(
        className="segment-swatch", style={"background": cluster_color(cluster, colors)}
    )
    return html.Tr(
        [
            html.Td([swatch, cluster_name(cluster, names)]),
            html.Td(f"{int(row['size']):,}"),
            html.Td(f"{row['share']:.0%}"),
        ]
        + [html.Td(f"{row[f'mean {f}']:,.1f}") for f in features],
        className="text-muted" if cluster == NOISE else None,
    )
