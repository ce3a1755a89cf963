"""Incidents: a sortable, searchable table; a detail view with sources; downloads."""

import pandas as pd
import streamlit as st

from dashboard import export, pagedata
from dashboard.figures import STATUS_LABELS
from dashboard.safe_text import md, safe_url
from dashboard.ui import sidebar, state, widgets

st.title("Incidents")
sidebar.show_selection()
f = state.current_filter()
page = int(st.session_state.get("incident_page") or 1)
d = pagedata.incidents(state.answers(), f, page=page, incident_id=st.query_params.get("incident"))
if d.page != page:  # the selection shrank under the page the analyst was on
    st.session_state["incident_page"] = d.page
if d.total == 0:
    widgets.empty_state()
    st.stop()

st.caption(
    (f"{d.total:,} incidents, newest first; {d.first:,}–{d.first + len(d.rows) - 1:,} listed (downloads hold all). "
     if d.pages > 1 else f"{d.total:,} incident{'s' if d.total != 1 else ''}. ")
    + "Click a row for its sources and attribution history; click a column header to sort this page."
)
picked = widgets.incident_list(d.rows, height=420, key="incident_table", selectable=True)
if d.pages > 1:
    st.number_input(f"Page (of {d.pages:,})", min_value=1, max_value=d.pages, step=1, key="incident_page",
                    width=200)

c1, c2, c3 = st.columns(3)
stem = export.file_stem(f)  # the download is named after the selection


def _rows():
    """Every selected incident, read only when a download is asked for (never cached:
    the whole selection can be millions of rows)."""
    return state.read("export_rows", f)


# Deferred downloads: the file is built when the button is pressed, not on every rerun.
c1.download_button("Download CSV", lambda: export.to_csv_bytes(_rows()), f"{stem}.csv", "text/csv",
                   on_click="ignore", icon=":material/download:", width="stretch")
c2.download_button("Download Excel", lambda: export.to_xlsx_bytes(_rows()), f"{stem}.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   on_click="ignore", icon=":material/download:", width="stretch",
                   disabled=d.total > 1_000_000, help="Excel holds about a million rows; use CSV beyond that.")
c3.download_button("Download GeoJSON", lambda: export.to_geojson_bytes(_rows()), f"{stem}.geojson",
                   "application/geo+json", on_click="ignore", icon=":material/download:",
                   width="stretch")

selected = picked.selection.rows if picked is not None else []
if selected and d.ids[selected[0]] != st.query_params.get("incident"):
    # The open incident is part of the shareable URL; the rerun shows its detail.
    st.query_params["incident"] = d.ids[selected[0]]
    st.rerun()
if d.detail_missing:
    st.warning("That incident is not in the store.")
elif d.detail is not None:
    detail, events = d.detail, d.events
    st.divider()
    st.subheader(f"{pd.Timestamp(detail['date']):%d %b %Y} · {md(detail['place'] or detail['province'] or '')}")
    a, b, c = st.columns(3)
    a.metric("Killed", "unknown" if pd.isna(detail["killed"]) else f"{int(detail['killed']):,}")
    b.metric("Injured", "unknown" if pd.isna(detail["injured"]) else f"{int(detail['injured']):,}")
    c.metric("Claim status", STATUS_LABELS.get(detail["claim_status"], "Unclaimed"))
    facts = {
        "Where": ", ".join(str(x) for x in (detail["district"], detail["province"], detail["country"]) if x),
        "District as the source wrote it": (f"{detail['district_as_written']} (counted under {detail['district']})"
                                            if detail.get("district_as_written") and detail["district"]
                                            and detail["district_as_written"] != detail["district"] else None),
        "Date precision": detail["date_precision"],
        "Location": "approximate (no exact coordinates)" if detail["location_approximate"] else "point",
        "Attack / target": f"{detail['attack_type'] or '?'} / {detail['target_type'] or '?'}",
        "Casualty note": detail["killed_note"],
        "Dataset": f"{detail['origin']} ({detail['origin_event_id']})",
    }
    for k, v in facts.items():
        if v:
            st.text(f"{k}: {v}")
    if detail["summary"]:
        st.text(detail["summary"])
    st.markdown("**Attribution history** (in the order statements were made)")
    if events.empty:
        st.text("No claim, denial or suspicion recorded.")
    else:
        widgets.table(
            events, hide_index=True, width="stretch",
            column_order=["seq", "kind", "group_id", "group_as_written", "stated_by", "channel", "statement_date", "note"],
            column_config={
                "seq": "#", "kind": "Kind", "group_id": "Group", "group_as_written": "As written",
                "stated_by": "Stated by", "channel": "Channel",
                "statement_date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
                "note": st.column_config.TextColumn("Source text", width="large"),
            },
        )
    st.markdown("**Sources**")
    urls = [u for u in (detail["source_urls"] if detail["source_urls"] is not None else []) if safe_url(u)]
    if urls:
        widgets.table(pd.DataFrame({"url": urls}), hide_index=True, width="stretch",
                     column_config={"url": st.column_config.LinkColumn("Source")})
    else:
        st.text("No source URL recorded.")
