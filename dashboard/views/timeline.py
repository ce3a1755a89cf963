"""Timeline: TTP and ISKP (and others) side by side, milestones, breakdown by area."""

import streamlit as st

from dashboard import figures
from dashboard.ui import sidebar, state, widgets

st.title("Timeline")
sidebar.show_selection()
f = state.current_filter()

c1, c2, c3 = st.columns([2, 2, 2])
freq = c1.segmented_control("Period", ["week", "month", "quarter"], default="quarter",
                            format_func=str.capitalize, key="tl_freq") or "quarter"
metric = c2.segmented_control("Measure", ["incidents", "killed", "injured"], default="incidents",
                              format_func=str.capitalize, key="tl_metric") or "incidents"
with c3:
    rollup = st.toggle("Roll factions into their parent group", value=True, key="tl_rollup",
                       help="On: Jamaat-ul-Ahrar counts as TTP. Off: factions get their own line.")
    others = st.toggle("Show groups other than TTP and ISKP", value=False, key="tl_others",
                       help="Selecting groups in the sidebar shows those groups whatever this says.")
    show_milestones = st.toggle("Show milestones", value=True, key="tl_milestones")

data = state.ask("timeline", f, freq=freq, by="group", rollup=rollup)
if not others and not f.groups:
    data = data[data["series"].isin(["TTP", "ISKP"])]
data = figures.top_series(data, metric, keep=["TTP", "ISKP"])
stones = state.ask("milestones", f) if show_milestones else None
st.plotly_chart(
    figures.timeline(data, metric, freq, colours=widgets.group_colours(), milestones=stones,
                     title=f"{figures.METRIC_LABELS[metric]} per {freq}, by group"),
    width="stretch", config={"displaylogo": False},
)
st.caption(
    "An incident attributed to two groups counts once for each. "
    + ("Basis: claims only." if f.basis == "claimed" else
       "Basis: a claim settles attribution; where nobody claimed, the group officials or a dataset blamed.")
)
if stones is not None and len(stones):
    with st.expander(f"Milestones ({len(stones)})"):
        for i, row in enumerate(stones.itertuples(index=False), start=1):
            st.markdown(f"**{i}.** {row.date:%d %b %Y} — {row.label}  \n[source]({row.source_url})")

st.subheader("Breakdown by area")
level = widgets.area_level_choice("tl_level")
by_area = state.ask("timeline", f, freq=freq, by=level)
if by_area.empty:
    widgets.empty_state()
else:
    st.plotly_chart(figures.stacked_area_bars(by_area, metric, title=f"{figures.METRIC_LABELS[metric]} per {freq}, by {level}"),
                    width="stretch", config={"displaylogo": False})
if level == "district":
    widgets.district_note()
