"""Claims & attribution: who claimed, who denied, whom officials suspected."""

import streamlit as st

from dashboard import figures
from dashboard.ui import sidebar, state, widgets

st.title("Claims & attribution")
sidebar.show_selection()
f = state.current_filter()

status = state.ask("claim_status_counts", f)
if status["incidents"].sum() == 0:
    widgets.empty_state()
    st.stop()

left, right = st.columns([3, 2])
with left:
    rollup = st.toggle("Roll factions into their parent group", value=True, key="cl_rollup")
    by_group = state.ask("claims_by_group", f, rollup=rollup)
    st.plotly_chart(figures.claims_by_group(by_group, title="Per group: claimed, denied, suspected without a claim"),
                    width="stretch", config={"displaylogo": False})
with right:
    metric = st.segmented_control("Share of", ["incidents", "killed"], default="incidents",
                                  format_func=str.capitalize, key="cl_metric") or "incidents"
    st.plotly_chart(figures.claim_status(status, metric, title="Claimed or not"),
                    width="stretch", config={"displaylogo": False})
    unclaimed = status.loc[status["claim_status"] != "claimed", "incidents"].sum()
    st.caption(f"{unclaimed:,} of {status['incidents'].sum():,} selected incidents were not claimed. "
               "Most attacks in Pakistan go unclaimed.")

st.subheader("Claimed by a group other than the one first suspected")
mismatch = state.ask("claim_mismatches", f)
if mismatch.empty:
    st.info("None in the selection.", icon=":material/check:")
else:
    names = ["district", "place", "first_suspected", "claimed_by", "denied_by"]
    mismatch[names] = mismatch[names].astype(object).where(mismatch[names].notna(), "")  # no "None" as a name
    st.dataframe(
        mismatch, hide_index=True, width="stretch",
        column_order=["date", "province", "district", "place", "killed", "first_suspected", "claimed_by", "denied_by"],
        column_config={
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            "province": "Province", "district": "District", "place": "Place",
            "killed": st.column_config.NumberColumn("Killed", format="%d"),
            "first_suspected": "First suspected", "claimed_by": "Claimed by", "denied_by": "Denied by",
        },
    )

st.subheader("Days from attack to claim")
claims, delays = state.ask("claim_delays", f)
st.plotly_chart(figures.claim_delays(claims, delays, colours=widgets.group_colours()),
                width="stretch", config={"displaylogo": False})
if len(delays):
    table = delays[["group", "claims", "median", "max"]].rename(columns={
        "group": "Group", "claims": "Dated claims", "median": "Median days", "max": "Longest (days)"})
    st.dataframe(table, hide_index=True)
    if claims.empty:
        st.caption(f"{delays['claims'].sum():,} dated claims: each box shows the quartiles and the range; "
                   "narrow the selection to see every claim as a dot.")
st.caption("Only claims with a known statement date on attacks dated to the day are shown.")
