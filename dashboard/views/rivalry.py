"""Rivalry: how two groups (TTP and ISKP by default) compete, beyond two lines on one chart."""

import pandas as pd
import streamlit as st

from dashboard import pagedata
from dashboard.rivalry import CAVEAT
from dashboard.safe_text import md
from dashboard.ui import sidebar, state, widgets



def arrow(direction: str) -> str:
    return direction.replace("->", " → ")


st.title("Rivalry")
sidebar.show_selection()
f = state.current_filter()
vocab = state.vocabulary()
roots = [g for g in vocab.groups if g in ("TTP", "ISKP")] + [g for g in vocab.groups if g not in ("TTP", "ISKP")]
c1, c2, c3 = st.columns([1, 1, 2])
side_a = c1.selectbox("Group", roots, index=roots.index("TTP") if "TTP" in roots else 0, key="rv_a",
                      help="With its factions. The sidebar's group filter is not used on this page.")
others = [g for g in roots if g != side_a]
side_b = c2.selectbox("against", others, index=others.index("ISKP") if "ISKP" in others else 0, key="rv_b")
freq = c3.segmented_control("Period", ["month", "quarter", "year"], default="quarter", format_func=str.capitalize,
                            key="rv_freq") or "quarter"
with st.spinner("Measuring…"):
    d = pagedata.rivalry(state.answers(), f, side_a=side_a, side_b=side_b, freq=freq)
m = d.measures
n_a, n_b = m["incidents"][side_a], m["incidents"][side_b]
st.caption(md(f"{side_a}: {n_a:,} incidents, {side_b}: {n_b:,} in the selection (attribution basis as in the "
              f"sidebar; factions count with their parent). {CAVEAT}"))
for group, n in m.get("branch_not_specified", {}).items():
    st.caption(md(f"{n:,} incident{'s' if n != 1 else ''} in the selection {'are' if n != 1 else 'is'} attributed "
                  f"to {group} with no branch given (for example UCDP's \"IS\" in Pakistan): counted for "
                  "neither group here. Actor rules (Import & manage → Names to review) can give them a branch."))
if n_a + n_b == 0:
    widgets.empty_state()
    st.stop()

st.header("1. Share of activity")
a, b = st.columns(2)
a.plotly_chart(d.share_figure, width="stretch", config={"displaylogo": False})
b.plotly_chart(d.killed_share_figure, width="stretch", config={"displaylogo": False})
st.caption("Each bar is the two groups' attacks (or killed) in the period; hover for the counts.")

st.header("2. Severity and tactics")
st.plotly_chart(d.severity_figure, width="stretch", config={"displaylogo": False})
widgets.table(d.severity, hide_index=True, width="stretch", column_config={
    "side": "Group", "period": st.column_config.DateColumn("Period from", format="YYYY-MM-DD"), "attacks": "Attacks",
    "median_killed": "Median killed", "q1_killed": "Q1", "q3_killed": "Q3",
    "suicide_share": st.column_config.NumberColumn("Suicide attacks", format="percent"),
    "mass_casualty_share": st.column_config.NumberColumn("10+ killed", format="percent")})

st.header("3. Targets")
widgets.table(d.targets, hide_index=True, width="stretch", column_config={
    "side": "Group", "category": "Target", "attacks": "Attacks",
    "share": st.column_config.NumberColumn("Share", format="percent"),
    "share_last": st.column_config.NumberColumn("Last period", format="percent"),
    "share_before": st.column_config.NumberColumn("Period before", format="percent"),
    "change": st.column_config.NumberColumn("Change (points)", format="%+.2f")})

st.header("4. Geography")
a, b = st.columns([3, 2])
a.plotly_chart(d.contest_figure, width="stretch", config={"displaylogo": False, "scrollZoom": True})
with b:
    st.markdown("**Areas where both are active**")
    if d.areas is None or d.areas.empty:
        st.info("None in the selection.", icon=":material/info:")
    else:
        widgets.table(d.areas.drop(columns=["both"]), hide_index=True, width="stretch",
                     column_config={"country": "Country", "province": "Province", "district": "District"})
    ov = d.overlap
    if m["level"] == "province" and len(f.provinces) == 1:
        st.caption("One province and no district boundaries: the overlap can only be 0 or 1 here. Add district "
                   "boundaries (Import & manage) to see whether the two groups share districts.")
    if ov is not None and len(ov):
        st.markdown("**Overlap index per period** (1: the two spread their attacks alike; 0: they never meet)")
        widgets.table(ov, hide_index=True, width="stretch",
                     column_config={"period": st.column_config.DateColumn("Period from", format="YYYY-MM-DD"),
                                    "overlap": "Overlap", "areas_a": f"Areas with {side_a}",
                                    "areas_b": f"Areas with {side_b}", "shared_areas": "Shared areas"})

st.header("5. Claim competition")
claims = m["claims"]
rows = [{"group": s, **claims[s]} for s in (side_a, side_b)]
widgets.table(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
    "group": "Group", "attacks": "Attacks", "claimed": "Claimed",
    "share_claimed": st.column_config.NumberColumn("Share claimed", format="percent"),
    "median_days_to_claim": "Median days to claim",
    "claimed_after_the_other_was_blamed": "Claimed after officials blamed the other"})
st.caption(f"Incidents both groups claimed: {claims['competing_claims']:,}.")

st.header("6. Sequences and lead–lag")
ttn = m["time_to_next"]
widgets.table(pd.DataFrame([{"direction": arrow(k), **v} for k, v in ttn.items()]), hide_index=True,
             width="stretch",
             column_config={"direction": "Attack → the other's next attack in the same area",
                            "attacks": "Attacks", "followed": "Followed at all", "median_days": "Median days",
                            "q1_days": "Q1", "q3_days": "Q3"})
intervals = widgets.chosen("rv_intervals", False)
with st.spinner("Fitting the lead–lag models…" + (" (the intervals take a few seconds the first time)"
                                                  if intervals else "")):
    lead_lag = pagedata.rivalry_lead_lag(state.answers(), f, side_a=side_a, side_b=side_b, intervals=intervals)
st.plotly_chart(lead_lag.correlation_figure, width="stretch", config={"displaylogo": False})
st.caption("Bars outside the dotted band (±1.96/√weeks) are correlations unlikely under no relation at all.")
gr = lead_lag.models["granger"]
if gr:
    widgets.table(pd.DataFrame([{"direction": arrow(k), **v} for k, v in gr.items()]), hide_index=True,
                 width="stretch",
                 column_config={"direction": "Granger test (weekly)", "p_value": "p-value",
                                "lag_weeks": "Lag (weeks)", "declined": "Not run because"})
    st.caption("A small p-value (under 0.05) says one group's past weeks help predict the other's beyond its own "
               "past; it does not say one causes the other.")
h = lead_lag.models["hawkes"]
st.subheader("Self-exciting (Hawkes) model")
st.toggle("Bootstrap 95 % intervals (a few seconds; then kept for this selection)", key="rv_intervals")
if h.get("declined"):
    st.info(md(f"Not estimated: {h['declined']}."), icon=":material/info:")
else:
    table = pd.DataFrame([{"direction": arrow(k), **v} for k, v in h["excitation"].items()])
    if not h["replicates"]:
        table = table.drop(columns=["low", "high"])
    widgets.table(table, hide_index=True, width="stretch", column_config={
        "direction": "From → to", "estimate": "Attacks set off per attack", "low": "95 % low", "high": "95 % high"})
    for sentence in h["sentences"].values():
        st.markdown(md(sentence))
    st.caption(md(f"Fitted on counts per {h['step']} ({h['steps']:,} {h['step']}s), background rates "
                  + ", ".join(f"{k} {v:g} per {h['step']}" for k, v in h["background"].items())
                  + f"; triggered attacks follow after {h['mean_delay_steps']:g} {h['step']}s on average; "
                  + (f"intervals from {h['replicates']} simulated replicates. " if h["replicates"] else
                     "no intervals yet (switch them on above). ")
                  + f"{h['caveat']} See docs/rivalry.md."))
