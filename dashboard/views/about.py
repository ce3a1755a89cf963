"""About the data: sources, counts, date coverage, groups, caveats."""

import streamlit as st

from dashboard import pagedata
from dashboard.ui import state, widgets

st.title("About the data")
d = pagedata.about(state.answers())
cov = d.coverage
st.metric("Incidents in the store", f"{int(cov['incidents'].sum()):,}" if len(cov) else "0")
if d.first:
    st.caption(f"From {d.first:%d %b %Y} to {d.last:%d %b %Y}.")

st.subheader("Coverage by dataset and country")
widgets.table(
    cov, hide_index=True, width="stretch",
    column_config={
        "origin": "Dataset", "country": "Country", "incidents": "Incidents",
        "first_date": st.column_config.DateColumn("First", format="YYYY-MM-DD"),
        "last_date": st.column_config.DateColumn("Last", format="YYYY-MM-DD"),
        "approximate_locations": "Approximate locations",
    },
)

st.subheader("Sources")
st.markdown(
    """
- **reference** (the embedded default dataset): notable incidents from 2021 to 2025 compiled from
  public news reports; every incident keeps its source URLs (see the Incidents page). It is a
  sample of well-reported attacks, **not a census**: PIPS counted 306 attacks in Pakistan in 2023
  alone. Casualty figures are those reported at the time; competing figures are in the casualty note.
- **Claims, denials and suspicions** were read from the reference's text into attribution events;
  the original sentence is kept with each event.
- **Province boundaries**: Natural Earth admin-1 v4.1.0 (public domain), from Debian's
  `qgis-common`; FATA merged into Khyber Pakhtunkhwa (2018).
- Imported ACLED, UCDP GED or GTD files stay under their own licences; the store keeps each
  row's origin dataset and event id.
"""
)

st.subheader("Groups")
widgets.table(
    d.groups, hide_index=True, width="stretch",
    column_order=["group_id", "name", "parent_id", "incidents", "note"],
    column_config={"group_id": "Short name", "name": "Name", "parent_id": "Part of",
                   "incidents": "Incidents linked", "note": st.column_config.TextColumn("Note", width="large")},
)
st.subheader("Milestones used as timeline annotations")
widgets.table(d.milestones, hide_index=True, width="stretch",
             column_config={"date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
                            "date_precision": "Precision", "label": "Milestone",
                            "source_url": st.column_config.LinkColumn("Source")})
