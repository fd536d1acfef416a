"""Whatever an analyst types comes back exactly: markup, SQL, long text, emoji."""

import uuid

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from algorithms.errors import SegmentaError
from dashboard.storage.personas import MAX_NAME_LENGTH, MAX_PERSONA_TEXT

NASTY = [
    "<script>alert('x')</script>",
    "<b>bold</b> &amp; <i>it</i>",
    "Robert'); DROP TABLE persona_sets;--",
    '50% off_ \\ backslash "quoted"',
    "emoji 🧑‍🤝‍🧑🛍️ and flags 🇵🇹 and ZWJ",
    "right-to-left עברית العربية",
    "line one\nline two\r\nline three\ttabbed",
    "  leading and trailing spaces  ",
    "x" * 10_000,
    "",
]


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_text_round_trips_verbatim(store, text):
    name, tag = text[:MAX_NAME_LENGTH], text[:5]  # persona texts have limits (test_persona_limits)
    persona = {"cluster": 0, "name": name, "description": text[:MAX_PERSONA_TEXT], "tags": [tag]}
    created = store.create(
        name=f"Set {uuid.uuid4().hex[:6]} {text[:40]}".strip(),
        dataset_name=text,
        dataset_hash="0123456789abcdef",
        segmentation={"note": text, text: text},
        personas=[persona],
        labels=np.array([0]),
        author="Ana",
        row_ids=[text],
        note=text,
    )

    fetched = store.get(created.set_id)

    assert fetched.personas == [persona]
    assert fetched.segmentation == {"note": text, text: text}
    assert fetched.dataset_name == text
    assert fetched.note == text
    assert fetched.row_ids == [text]
    assert store.list(search=text[:30].strip() or None)[0].set_id == created.set_id


def test_names_keep_inner_text_and_drop_outer_spaces(store):
    created = store.create(
        name="  <i>Mall</i> — Q3 🛍️ 'quoted'  ",
        dataset_name="d",
        dataset_hash="h",
        segmentation={},
        personas=[],
        labels=np.array([0]),
        author="  Ana María  ",
    )
    fetched = store.get(created.set_id)
    assert fetched.name == "<i>Mall</i> — Q3 🛍️ 'quoted'"
    assert fetched.author == "Ana María"


def test_nul_characters_are_kept_in_content_but_refused_in_plain_fields(store):
    created = store.create(
        name="With NUL",
        dataset_name="d",
        dataset_hash="h",
        segmentation={"x": "a\x00b"},
        personas=[{"description": "before\x00after"}],
        labels=np.array([0]),
        author="Ana",
    )
    fetched = store.get(created.set_id)
    assert fetched.personas == [{"description": "before\x00after"}]
    assert fetched.segmentation == {"x": "a\x00b"}
    with pytest.raises(SegmentaError, match="note contains a NUL"):
        store.save(created.set_id, base_version=1, personas=[], author="Ana", note="a\x00")


def test_a_lone_surrogate_is_refused_by_field_and_position_and_nothing_is_saved(store):
    """A lone surrogate (what a broken decoder leaves behind) cannot be encoded as UTF-8: both
    databases refuse it with the same message before anything is written."""
    with pytest.raises(SegmentaError, match="dataset name contains an invalid character at 4"):
        store.create(
            name="Surrogate",
            dataset_name="mall\ud800",
            dataset_hash="h",
            segmentation={},
            personas=[],
            labels=np.array([0]),
            author="Ana",
        )
    assert all(summary.name != "Surrogate" for summary in store.list())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
plain_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    personas=st.lists(st.dictionaries(st.text(max_size=12), json_values, max_size=5), max_size=4),
    segmentation=st.dictionaries(st.text(max_size=12), json_values, max_size=5),
    note=plain_text,
    dataset_name=plain_text,
    row_id=st.text(),
)
def test_any_json_content_and_text_round_trips(
    store, personas, segmentation, note, dataset_name, row_id
):
    created = store.create(
        name=f"generated {uuid.uuid4().hex}",
        dataset_name=dataset_name,
        dataset_hash="0123456789abcdef",
        segmentation=segmentation,
        personas=personas,
        labels=np.array([3]),
        author="Hypothesis",
        row_ids=[row_id],
        note=note,
    )

    fetched = store.get(created.set_id)

    # repr compares NaN by position, which == cannot.
    assert repr(fetched.personas) == repr(personas)
    assert repr(fetched.segmentation) == repr(segmentation)
    assert fetched.note == note
    assert fetched.dataset_name == dataset_name
    assert fetched.row_ids == [row_id]
