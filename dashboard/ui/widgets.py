"""Small pieces of layout several pages share."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import queries
from ..figures import STATUS_LABELS
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


def readable(df: pd.DataFrame) -> pd.DataFrame:
    """Incident rows with claim status in words, ready for ``st.dataframe``."""
    out = df.copy()
    for col in ("groups", "denied_by", "claimed_by", "attributed_to", "first_suspected", "district", "place"):
        if col in out:  # an empty cell, not a literal "None" that reads like a group name
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    if "claim_status" in out:
        out["status"] = out["claim_status"].map(STATUS_LABELS).fillna("Unclaimed, no attribution")
    return out


def incident_list(df: pd.DataFrame, height: int | None = None, key: str | None = None,
                  selectable: bool = False, columns: list[str] | None = None):
    shown = readable(df)
    cols = [c for c in (columns or INCIDENT_COLUMNS) if c in shown.columns]
    shown = shown[cols]  # only the columns shown travel to the browser
    kwargs = dict(hide_index=True, width="stretch", column_order=cols, column_config=INCIDENT_COLUMNS)
    if height:
        kwargs["height"] = height
    if selectable:
        kwargs.update(on_select="rerun", selection_mode="single-row", key=key)
    return st.dataframe(shown, **kwargs)


def empty_state() -> None:
    st.info(
        "No incidents match these filters. Widen the dates, remove a group or place, "
        "or press **Reset filters** in the sidebar.",
        icon=":material/filter_alt_off:",
    )


def area_level_choice(key: str) -> str:
    """'province', or 'district' when the analyst chooses it. The choice is offered
    only when there is district data: district boundaries added, or selected
    incidents that name a district; otherwise this draws nothing and says 'province'."""
    summary = state.ask("district_summary", state.current_filter())
    if not (summary["polygons"] or summary["with_district"]):
        return "province"
    return st.radio("Break down by", ["province", "district"], horizontal=True, key=key,
                    format_func=str.capitalize) or "province"


def district_note() -> None:
    """A caption under a district breakdown: how many incidents it leaves out."""
    s = state.ask("district_summary", state.current_filter())
    missing = s["incidents"] - s["with_district"]
    text = f"{s['with_district']:,} of {s['incidents']:,} selected incidents name a district"
    if s["polygons"]:
        text += (f" ({s['matched']:,} matched to the district boundaries of {', '.join(s['countries'])}; "
                 "names as the boundary files write them)")
    text += f"; {missing:,} without one are left out." if missing else "."
    st.caption(text)


def group_colours() -> dict[str, str]:
    return queries.group_colours(state.cursor())
