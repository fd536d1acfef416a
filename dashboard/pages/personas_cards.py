"""The persona cards: one per segment, its profile against everyone and its editable fields.

Persona text is shown as plain text (input values, or ``html.P`` in read-only mode), never as
Markdown or HTML, so nothing a teammate types can run or link anywhere.
"""

import math

import dash_bootstrap_components as dbc
from dash import ALL, State, dcc, html

from algorithms.stability import DISSOLVING, STABLE, Stability, grade
from dashboard.figures.personas import MINI_CONFIG, profile_bars
from dashboard.ids import personas as ids
from dashboard.pages.segment_explained import card_lines
from dashboard.persona_sets import Workspace
from dashboard.services.exports import profile_lines

FIELDS = (ids.NAME, ids.DESCRIPTION, ids.RECOMMENDATION, ids.COLOR, ids.TAGS)
FORM_STATES = [State({"type": field, "cluster": ALL}, "value") for field in FIELDS] + [
    State({"type": ids.NAME, "cluster": ALL}, "id")
]
MAX_NAME = 120
STABILITY_BADGES = {
    "stable": ("Stable", {"color": "success"}),
    "doubtful": ("Doubtful", {"color": "warning", "text_color": "dark"}),
    "dissolving": ("Dissolves", {"color": "danger"}),
}


def form_personas(names, descriptions, recommendations, colors, tags, name_ids) -> list[dict]:
    """The personas as the form holds them (the order of ``FORM_STATES``)."""
    return [
        {
            "cluster": int(key["cluster"]),
            "name": name,
            "description": description,
            "recommendation": recommendation,
            "color": color,
            "tags": tag_text,
        }
        for key, name, description, recommendation, color, tag_text in zip(
            name_ids, names, descriptions, recommendations, colors, tags, strict=True
        )
    ]


def card_style(color: str) -> dict:
    return {"borderTop": f"6px solid {color}"}


def persona_cards(
    workspace: Workspace, personas: list[dict], stability: Stability | None = None
) -> list:
    """One card per persona; with the segmentation's cached ``stability``, each card says
    how stable its segment is."""
    cards = [
        persona_card(
            persona,
            workspace.segmentation,
            workspace.read_only,
            stability_badge(stability, persona["cluster"]),
        )
        for persona in personas
    ]
    noise = int(workspace.segmentation.get("sizes", {}).get("-1", 0))
    if noise:
        cards.append(
            dbc.Col(
                html.P(
                    f"{noise:,} customers are noise: they belong to no segment and get the "
                    "persona ‘Noise’ in exports.",
                    className="small-note",
                ),
                width=12,
            )
        )
    return cards


def stability_badge(stability: Stability | None, cluster: int) -> dbc.Badge | None:
    """'Stable · 0.93' in the grade's colour, the segment's mean Jaccard over the bootstrap
    resamples; None when unchecked or not a segment (noise)."""
    if stability is None or cluster not in stability.jaccard_by_cluster:
        return None
    jaccard = stability.jaccard_by_cluster[cluster]
    name, colors = STABILITY_BADGES[grade(jaccard)]
    shown = math.floor(jaccard * 100) / 100  # 0.749 is doubtful: shown 0.74, never 0.75
    return dbc.Badge(
        f"{name} · {shown:.2f}",
        title=(
            "How often this segment is found again: its Jaccard similarity with the closest "
            f"segment of each of {stability.n_resamples} bootstrap resamples, averaged. "
            f"Stable from {STABLE:g}, doubtful from {DISSOLVING:g}, below that it dissolves "
            "(an artefact of the seed, not a real group)."
        ),
        className="persona-stability ms-2",
        **colors,
    )


def persona_card(
    persona: dict, segmentation: dict, read_only: bool, badge: dbc.Badge | None = None
) -> dbc.Col:
    cluster = persona["cluster"]
    sizes = {int(k): int(v) for k, v in segmentation.get("sizes", {}).items()}
    size, total = sizes.get(cluster, 0), sum(sizes.values()) or 1
    profile = next((p for p in segmentation.get("profiles", []) if p["cluster"] == cluster), {})
    chart = profile_bars(
        profile,
        segmentation.get("population", {}),
        list(segmentation.get("features", [])),
        persona["color"],
    )
    header = [
        html.Span(persona["name"] or f"Segment {cluster}", className="fw-semibold persona-title"),
        html.Span(f" · {size:,} customers ({size / total:.1%})", className="text-muted"),
        *([badge] if badge else []),
    ]
    body = _read_only_fields(persona) if read_only else _fields(persona)
    body += [
        html.Ul(
            [
                html.Li(line)
                for line in profile_lines(segmentation, cluster)
                + card_lines(profile, segmentation.get("categorical"))
            ],
            className="persona-facts small mb-1 mt-2",
        ),
        dcc.Graph(
            id={"type": ids.CHART, "cluster": cluster},
            figure=chart,
            config=MINI_CONFIG,
            className="persona-mini-chart",
        ),
    ]
    return dbc.Col(
        dbc.Card(
            [dbc.CardHeader(header), dbc.CardBody(body)],
            id={"type": ids.CARD, "cluster": cluster},
            style=card_style(persona["color"]),
            className="persona-card h-100",
        ),
        xl=4,
        md=6,
        className="mb-3",
    )


def _fields(persona: dict) -> list:
    def key(field: str) -> dict:
        return {"type": field, "cluster": persona["cluster"]}

    return [
        dbc.Label("Name", className="small mb-0"),
        dbc.Input(
            id=key(ids.NAME),
            value=persona["name"],
            debounce=True,
            maxLength=MAX_NAME,
            className="persona-name mb-2",
        ),
        dbc.Label("Description", className="small mb-0"),
        dbc.Textarea(
            id=key(ids.DESCRIPTION),
            value=persona.get("description", ""),
            debounce=True,
            rows=2,
            placeholder="Who these customers are",
            className="mb-2",
        ),
        dbc.Label("Marketing recommendation", className="small mb-0"),
        dbc.Textarea(
            id=key(ids.RECOMMENDATION),
            value=persona.get("recommendation", ""),
            debounce=True,
            rows=2,
            placeholder="What to offer them",
            className="mb-2",
        ),
        dbc.Row(
            [
                dbc.Col(
                    [
                        dbc.Label("Colour", className="small mb-0"),
                        dbc.Input(
                            id=key(ids.COLOR),
                            type="color",
                            value=persona["color"],
                            className="form-control-color w-100",
                        ),
                    ],
                    width=3,
                ),
                dbc.Col(
                    [
                        dbc.Label("Tags", className="small mb-0"),
                        dbc.Input(
                            id=key(ids.TAGS),
                            value=", ".join(persona.get("tags", [])),
                            debounce=True,
                            placeholder="comma, separated",
                        ),
                    ]
                ),
            ],
            className="g-2",
        ),
    ]


def _read_only_fields(persona: dict) -> list:
    texts = [
        *(
            html.P([html.Strong(f"{title}: "), persona[key]], className="persona-text mb-1")
            for title, key in (
                ("Description", "description"),
                ("Recommendation", "recommendation"),
            )
            if persona.get(key)
        ),
    ]
    if persona.get("tags"):
        texts.append(
            html.Div(
                [dbc.Badge(tag, color="secondary", className="me-1") for tag in persona["tags"]]
            )
        )
    return texts


def carry_report(rows: list[dict]) -> html.Div | None:
    """What carrying names over did, one line per saved persona and per new segment."""
    if not rows:
        return None
    colors = {"disappeared": "danger", "split": "warning", "new": "info"}
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th("Saved persona"), html.Th("In this run")])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(row["persona"], className="persona-set-name"),
                            html.Td(
                                [
                                    dbc.Badge(
                                        row["status"], color=colors.get(row["status"], "success")
                                    ),
                                    html.Div(row["detail"], className="small-note"),
                                ]
                            ),
                        ]
                    )
                    for row in rows
                ]
            ),
        ],
        size="sm",
        className="carry-report mt-2 small",
    )
