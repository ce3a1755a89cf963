"""Claims & attribution: who claimed, who denied, whom officials suspected."""

import streamlit as st

from dashboard import pagedata
from dashboard.ui import sidebar, state, widgets

st.title("Claims & attribution")
sidebar.show_selection()
f = state.current_filter()
rollup = widgets.chosen("cl_rollup", True)
metric = widgets.chosen("cl_metric", "incidents")
d = pagedata.claims(state.answers(), f, rollup=rollup, metric=metric)
if d.total == 0:
    widgets.empty_state()
    st.stop()

left, right = st.columns([3, 2])
with left:
    st.toggle("Roll factions into their parent group", value=True, key="cl_rollup")
    st.plotly_chart(d.by_group_figure, width="stretch", config={"displaylogo": False})
with right:
    st.segmented_control("Share of", ["incidents", "killed"], default="incidents",
                         format_func=str.capitalize, key="cl_metric")
    st.plotly_chart(d.status_figure, width="stretch", config={"displaylogo": False})
    st.caption(f"{d.unclaimed:,} of {d.total:,} selected incident{'s' if d.total != 1 else ''} "
               f"{'were' if d.unclaimed != 1 else 'was'} not claimed. The embedded data is a sample of notable, "
               "well-reported and often claimed attacks, not a census: across all attacks in Pakistan most go "
               "unclaimed, so this share says more about the sample than about the groups.")

st.subheader("Claimed by a group other than the one first suspected")
if d.mismatches is None or d.mismatches.empty:
    st.info("None in the selection.", icon=":material/check:")
else:
    widgets.table(
        d.mismatches, hide_index=True, width="stretch",
        column_config={
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            "province": "Province", "district": "District", "place": "Place",
            "killed": st.column_config.NumberColumn("Killed", format="%d"),
            "first_suspected": "First suspected", "claimed_by": "Claimed by", "denied_by": "Denied by",
            "incident_id": st.column_config.TextColumn("Record", help="dataset:record id, as in the downloads"),
        },
    )

st.subheader("Days from attack to claim")
st.plotly_chart(d.delays_figure, width="stretch", config={"displaylogo": False})
if d.delays is not None:
    widgets.table(d.delays.rename(columns={"group": "Group", "claims": "Dated claims", "median": "Median days",
                                          "max": "Longest (days)"}), hide_index=True)
    if not d.delay_points:
        st.caption(f"{d.delays['claims'].sum():,} dated claims: each box shows the quartiles and the range; "
                   "narrow the selection to see every claim as a dot.")
st.caption("Only claims with a known statement date on attacks dated to the day are shown.")
