"""Small pieces of layout several pages share."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import pagedata
from ..filters import Filter
from ..safe_text import md
from . import state

INCIDENT_COLUMNS = {
    "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
    "province": "Province",
    "district": "District",
    "place": st.column_config.TextColumn("Place", width="medium"),
    "groups": "Group(s)",
    "status": "Claim status",
    "killed": st.column_config.NumberColumn("Killed", format="%d"),
    "injured": st.column_config.NumberColumn("Injured", format="%d"),
    "attack_type": "Attack",
    "target_type": "Target",
    "denied_by": "Denied by",
    "country": "Country",
    "incident_id": st.column_config.TextColumn("Record", help="dataset:record id, as in the downloads"),
}


def chosen(key: str, default):
    """A page control's current value: what its widget (``key``) last held, else
    ``default``. Pages read their choices first, ask their data function, then
    draw the widgets where they belong in the layout."""
    value = st.session_state.get(key)
    return default if value is None else value


MISSING = "–"  # what a table cell shows where the source gives no value (never "None" or "nan")


def table(data, **kwargs):
    """``st.dataframe`` with "–" in cells without a value; every table of the app is drawn here."""
    return st.dataframe(data, placeholder=MISSING, **kwargs)


def incident_list(shown: pd.DataFrame, height: int | None = None, key: str | None = None,
                  selectable: bool = False):
    """``st.dataframe`` of incident rows already made readable (``pagedata.shown``), in
    the order the page data gives; the group codes are explained on the column's help."""
    cols = list(shown.columns)
    names = state.vocabulary().group_names
    config = {**INCIDENT_COLUMNS, "groups": st.column_config.TextColumn(
        "Group(s)", help=md("; ".join(f"{g}: {n}" for g, n in sorted(names.items()))) or None)}
    kwargs = dict(hide_index=True, width="stretch", column_order=cols, column_config=config)
    if height:
        kwargs["height"] = height
    if selectable:
        kwargs.update(on_select="rerun", selection_mode="single-row", key=key)
    return table(shown, **kwargs)


def empty_state() -> None:
    st.info(
        "No incidents match these filters. Widen the dates, remove a group or place, "
        "or press **Reset filters** in the sidebar.",
        icon=":material/filter_alt_off:",
    )


def _default_level(f: Filter) -> str:
    """With one province chosen, its districts are the breakdown that says something."""
    return "district" if len(f.provinces) == 1 else "province"


def area_level(f: Filter, key: str) -> str:
    """'province' or 'district': the analyst's choice where there is district data
    (boundaries added, or selected incidents that name a district), districts by
    default when one province is chosen; else 'province'."""
    return pagedata.area_level(state.answers(), f, st.session_state.get(key))


def area_level_control(f: Filter, key: str) -> None:
    """The "Break down by" choice, drawn only when there is district data."""
    if pagedata.offers_districts(state.answers(), f):
        st.radio("Break down by", ["province", "district"], horizontal=True, key=key,
                 index=["province", "district"].index(_default_level(f)), format_func=str.capitalize)
