"""Timeline: TTP and ISKP (and others) side by side, milestones, breakdown by area."""

import streamlit as st

from dashboard import export, pagedata
from dashboard.safe_text import md, safe_url
from dashboard.ui import sidebar, state, widgets

st.title("Timeline")
sidebar.show_selection()
f = state.current_filter()

c1, c2, c3 = st.columns([2, 2, 2])
freq = c1.segmented_control("Period", ["week", "month", "quarter", "year"], default="quarter",
                            format_func=str.capitalize, key="tl_freq") or "quarter"
metric = c2.segmented_control("Measure", ["incidents", "killed", "injured"], default="incidents",
                              format_func=str.capitalize, key="tl_metric") or "incidents"
with c3:
    rollup = st.toggle("Roll factions into their parent group", value=True, key="tl_rollup",
                       help="On: Jamaat-ul-Ahrar counts as TTP. Off: factions get their own line.")
    others = st.toggle("Show groups other than TTP and ISKP", value=False, key="tl_others",
                       help="Selecting groups in the sidebar shows those groups whatever this says.")
    show_milestones = st.toggle("Show milestones", value=True, key="tl_milestones")
level = widgets.area_level(f, "tl_level")

d = pagedata.timeline(state.answers(), f, freq=freq, metric=metric, rollup=rollup, others=others,
                      milestones=show_milestones, level=level)
st.plotly_chart(d.groups_figure, width="stretch", config={"displaylogo": False})
if len(d.groups_table):
    st.download_button(f"Download the numbers ({metric} per {freq} and group, CSV)",
                       export.to_csv_bytes(d.groups_table), f"{metric}-per-{freq}-by-group.csv", "text/csv",
                       on_click="ignore", icon=":material/download:", key="tl_dl_groups")
st.caption(
    "An incident attributed to two groups counts once for each. "
    + ("Basis: claims only." if f.basis == "claimed" else
       "Basis: a claim settles attribution; where nobody claimed, the group officials or a dataset blamed.")
)
stones = d.milestones
if stones is not None and len(stones):
    with st.expander(f"Milestones ({len(stones)})"):
        for i, row in enumerate(stones.itertuples(index=False), start=1):
            url = safe_url(row.source_url)
            st.markdown(f"**{i}.** {row.date:%d %b %Y} — {md(row.label)}" + (f"  \n[source](<{url}>)" if url else ""))

st.subheader("Breakdown by area")
widgets.area_level_control(f, "tl_level")
if d.areas_empty:
    widgets.empty_state()
else:
    st.plotly_chart(d.areas_figure, width="stretch", config={"displaylogo": False})
    st.download_button(f"Download the numbers ({metric} per {freq} and {level}, CSV)",
                       export.to_csv_bytes(d.areas_table), f"{metric}-per-{freq}-by-{level}.csv", "text/csv",
                       on_click="ignore", icon=":material/download:", key="tl_dl_areas")
if d.district_note:
    st.caption(d.district_note)
