"""Changes: the latest week or month against its baselines, per area and group; surges and firsts."""

import streamlit as st

from dashboard import brief, pagedata
from dashboard.changes import BANDS
from dashboard.safe_text import md
from dashboard.ui import sidebar, state, widgets

st.title("Changes")
sidebar.show_selection()
f = state.current_filter()

period = st.segmented_control("Compare the latest", ["week", "month"], default="week",
                              format_func=str.capitalize, key="ch_period") or "week"
d = pagedata.changes(state.answers(), f, period=period)
w, t = d.window, d.thresholds
st.caption(
    f"Latest period: {md(w.describe())}, against the mean of the {t.baseline_periods} {period}s before it "
    f"(from {w.baseline_from:%d %b %Y}) and the same {period} a year earlier ({w.year_ago:%d %b %Y}). "
    f"Bands: more than {t.big:g}% up or down, {t.moderate:g}–{t.big:g}%, or limited change (within "
    f"±{t.moderate:g}%). A surge is at least {t.surge_ratio:g}× the baseline where the baseline averages at "
    f"least {t.min_activity(period):.1f} incidents a {period}. Areas are "
    f"{'districts' if d.level == 'district' else 'provinces'}; groups include their factions."
)
if d.table.empty:
    widgets.empty_state()
    st.stop()

surges = d.table[d.table["surge"]]
if len(surges):
    st.error(f"{len(surges)} surge(s): " + "; ".join(
        md(f"{r.group} in {r[d.level]} ({r.incidents} against a mean of {r.baseline_incidents:.1f})")
        for _, r in surges.head(6).iterrows()), icon=":material/trending_up:")
else:
    st.success("No surge in the selection.", icon=":material/check:")

left, right = st.columns([3, 2])
with left:
    st.subheader("By area and group")
    st.caption("Click a row to filter every page to that area.")
    shown = d.table[[d.level, "group"] + pagedata.CHANGE_COLUMNS]
    picked = widgets.table(
        shown, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)), on_select="rerun",
        selection_mode="single-row",
        key=f"ch_table_{period}_{f.query_string()}",  # a new selection starts with no row picked
        column_config={
            d.level: d.level.capitalize(), "group": "Group", "band": "Change",
            "surge": st.column_config.CheckboxColumn("Surge"),
            "incidents": st.column_config.NumberColumn(f"This {period}", format="%d"),
            "baseline_incidents": st.column_config.NumberColumn(f"Mean of {t.baseline_periods} before", format="%.1f"),
            "change_pct": st.column_config.NumberColumn("Change %", format="%+.0f%%"),
            "year_ago_incidents": st.column_config.NumberColumn("A year before", format="%d"),
            "change_vs_year_pct": st.column_config.NumberColumn("vs a year before %", format="%+.0f%%"),
            "killed": st.column_config.NumberColumn(f"Killed this {period}", format="%d"),
            "baseline_killed": st.column_config.NumberColumn("Killed, mean before", format="%.1f"),
        },
    )
    rows = [r for r in (picked.selection.rows if picked is not None else []) if r < len(shown)]
    if rows and isinstance(shown.iloc[rows[0]][d.level], str):
        chosen = shown.iloc[rows[0]][d.level]
        sidebar.request_filter(f.with_(**({"districts": (chosen,)} if d.level == "district"
                                          else {"provinces": (chosen,)})))
with right:
    st.subheader("Change by area (all groups)")
    st.plotly_chart(d.map_figure, width="stretch", config={"displaylogo": False, "scrollZoom": True})
    st.caption("Colours: " + ", ".join(BANDS) + ". Shading counts every group in the selection.")

st.subheader("Firsts")
if d.firsts.empty:
    st.info(f"Nothing happened for the first time in {md(w.describe())}.", icon=":material/info:")
else:
    widgets.table(d.firsts, hide_index=True, width="stretch",
                 column_config={"kind": "What", "group": "Group", "area": "Where",
                                "date": st.column_config.DateColumn("From", format="YYYY-MM-DD"), "what": "Detail"})

st.subheader("The weekly brief")
st.caption("One HTML file: the selection, headline figures, the change map, TTP against ISKP, surges and firsts, "
           "the period's claims and denials and incidents with their sources, and a data note. It opens on a "
           "machine with no network, and prints cleanly.")
st.download_button(
    f"Download the {period}ly brief (HTML)", lambda: brief.build(state.answers(), f, period=period).encode("utf-8"),
    f"brief-{w.latest:%Y-%m-%d}-{period}.html", "text/html", on_click="ignore", icon=":material/description:",
)
