"""The profile table under each Compare panel's scatter: what each segment is, in numbers
(means, and the mix of an encoded category), then what sets each segment apart, in words."""

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from algorithms.methods.base import NOISE
from algorithms.profiling import short_name
from dashboard.figures.colors import cluster_color, cluster_name
from dashboard.pages.segment_explained import category_mix, rule_text, top_features_text

MAX_PROFILE_FEATURES = 6
MAX_PROFILE_ROWS = 20


def profile_table(
    profile: pd.DataFrame,
    features,
    names: dict[int, str],
    colors: dict[int, str] | None,
    explained: list[dict] | None = None,
    category: str | None = None,
) -> html.Div:
    """Size, share and feature means (the table's units) of each segment, with its colour and
    drafted label, and the mix of the encoded ``category``; noise last. Under it, for each
    segment of the ``explained`` profiles (``Segmentation.explained_profiles``): the features
    setting it apart and its rule."""
    shown = [f for f in features if f"mean {f}" in profile.columns][:MAX_PROFILE_FEATURES]
    header = html.Tr(
        [html.Th("Segment"), html.Th("Size"), html.Th("Share")]
        + [html.Th(short_name(f), title=f"mean {f}") for f in shown]
        + ([html.Th(f"{category} mix", title=f"share of each {category}")] if category else [])
    )
    segments = profile[profile["cluster"] != NOISE]
    listed = pd.concat([segments.head(MAX_PROFILE_ROWS), profile[profile["cluster"] == NOISE]])
    rows = [_profile_row(row, shown, names, colors, category) for _, row in listed.iterrows()]
    if len(segments) > MAX_PROFILE_ROWS:
        rest = segments.iloc[MAX_PROFILE_ROWS:]
        rows.insert(
            MAX_PROFILE_ROWS,
            html.Tr(
                html.Td(
                    f"… {len(rest):,} smaller segments: {int(rest['size'].sum()):,} customers "
                    f"({rest['share'].sum():.0%})",
                    colSpan=3 + len(shown) + bool(category),
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
            explanations(explained or [], names, colors),
        ],
        className="table-responsive",
    )


def explanations(explained: list[dict], names: dict[int, str], colors) -> html.Div | None:
    """'<segment>: Income +1.3 sd · Spending -1.1 sd. Rule: ... (precision, coverage)' per
    explained segment (the first ``MAX_PROFILE_ROWS``); None when none is explained."""
    items = []
    for record in explained:
        cluster = int(record["cluster"])
        apart, rule = top_features_text(record), rule_text(record)
        if cluster == NOISE or not (apart or rule):
            continue
        swatch = html.Span(
            className="segment-swatch", style={"background": cluster_color(cluster, colors)}
        )
        items.append(
            html.Li(
                [
                    swatch,
                    html.Strong(cluster_name(cluster, names)),
                    f": sets apart {apart}." if apart else "",
                    html.Br() if rule else None,
                    f"Rule: {rule}" if rule else None,
                ],
                className="segment-explained",
                **{"data-cluster": str(cluster)},
            )
        )
    if not items:
        return None
    return html.Div(
        [
            html.Div("What sets each segment apart", className="fw-semibold small"),
            html.Ul(items[:MAX_PROFILE_ROWS], className="segment-rules small mb-1"),
            html.Div(
                "sd: the segment's mean minus the other customers', in standard deviations. "
                "Precision: customers matching the rule who are in the segment; coverage: the "
                "segment's customers the rule finds.",
                className="small-note mb-2",
            ),
        ]
    )


def _profile_caption(features, shown) -> str:
    caption = "Feature columns: segment means, in the table's units"
    if len(shown) < len(features):
        caption += f" (the first {len(shown)} of {len(features)} features)"
    return caption + "."


def _profile_row(row, features, names, colors, category=None) -> html.Tr:
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
        + [html.Td(f"{row[f'mean {f}']:,.1f}") for f in features]
        + ([html.Td(category_mix(row.to_dict(), category))] if category else []),
        className="text-muted" if cluster == NOISE else None,
    )
