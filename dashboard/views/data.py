"""Data page: import files, add incidents and statements by hand, review and
remove import batches. Layout only: the work is done by ``dashboard.ingest``
(the same code as ``python -m dashboard ingest``) and ``dashboard.queries``.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import streamlit as st

from dashboard import config, workspace
from dashboard.export import safe_frame
from dashboard.filters import Filter
from dashboard.geo.provinces import province_names
from dashboard.ingest import groups, manual
from dashboard.ingest.detect import FORMATS, LABELS, FileRejected, sniff
from dashboard.ingest.pipeline import ingest_info, preview
from dashboard.ingest.write import remove_batch
from dashboard.store.schema import ATTRIBUTION_KINDS
from dashboard.safe_text import md
from dashboard.ui import state, widgets

TEMPLATE = config.REPO_ROOT / "data" / "templates" / "native_template.csv"
MAX_DOWNLOAD = 50 * 2**20
COUNTRIES = ("Pakistan", "Afghanistan")
PRECISIONS = ("day", "week", "month", "year")



def _table(df, **kwargs) -> None:
    """st.dataframe with formula-like cells neutralised: its toolbar can download
    the table as CSV, and a cell such as '=1+1' must not leave unescaped."""
    widgets.table(safe_frame(df), hide_index=True, width="stretch", **kwargs)


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(n / 1024, 0.1):.1f} KB"


def _flash(kind: str, text: str) -> None:
    """A message that survives the rerun after a write."""
    st.session_state["_data_flash"] = (kind, text)


def _show_flash() -> None:
    kind, text = st.session_state.pop("_data_flash", (None, None))
    if kind:
        getattr(st, kind)(text)


def _forget_uploads(keep: str | None = None) -> None:
    """Delete this session's saved uploads (all, or all but ``keep``)."""
    for old in [k for k in st.session_state if k.startswith("_upload_") and k != keep]:
        shutil.rmtree(Path(st.session_state.pop(old)).parent, ignore_errors=True)


def _saved_upload(upload) -> Path:
    """The uploaded file on disk (once per upload), so it is read in chunks like any file.

    It lives in the data folder's ``uploads/`` until it is imported or replaced by
    another upload; folders left by a server that was killed are cleared the next
    time the store is opened (``workspace.clear_uploads``)."""
    key = f"_upload_{upload.file_id}"
    _forget_uploads(keep=key)
    path = st.session_state.get(key)
    if path is None or not Path(path).exists():
        folder = workspace.upload_folder(state.get_store())
        path = folder / re.sub(r"[^\w.-]+", "_", upload.name)[-120:]
        path.write_bytes(upload.getbuffer())
        st.session_state[key] = str(path)
    return Path(path)


# --- import a file -----------------------------------------------------------
def import_section() -> None:
    st.caption(
        "ACLED exports, UCDP GED, GTD, or your own log in the native template (CSV or XLSX). "
        "Each file is one batch: it lands wholly or not at all, and rows already in the store "
        "are not added twice. Only Pakistan and Afghanistan are kept."
    )
    st.download_button(
        "Download the native template (CSV)", TEMPLATE.read_bytes(), file_name="native_template.csv",
        mime="text/csv", on_click="ignore", icon=":material/download:",
        help="Headers only. Columns are described under 'Formats' below.",
    )
    with st.expander("Formats"):
        st.markdown(
            "- **ACLED**: `event_id_cnty`, `event_date` (2023-07-30, 30 July 2023 or 30-Jul-23), actors "
            "with their inter codes, `admin1`/`admin2`, `geo_precision`, `time_precision`, `fatalities`, `notes`.\n"
            "- **UCDP GED**: `id`, `side_a`/`side_b`, `date_start`, `date_prec`, `where_prec`, `adm_1`/`adm_2`, "
            "`best`/`low`/`high`.\n"
            "- **GTD**: `eventid`, `iyear`/`imonth`/`iday`, `gname` (2, 3) with `guncertain`, `claimed`, "
            "`claimmode_txt`, `provstate`, `specificity`, `nkill`, `nwound` (Latin-1 files are fine).\n"
            "- **Native template**: one row per incident; `date` and `country` required; `claimed_by`, "
            "`denied_by`, `suspected` hold group names separated by `;`.\n\n"
            "Government forces, police, civilians, rioters and protesters are not militant groups and "
            "are not recorded as such; an uncertain ACLED actor (`X and/or Y`) counts for neither group."
        )
    upload = st.file_uploader("CSV or XLSX file", type=["csv", "xlsx"], key="data_upload")
    if upload is None:
        _last_result()
        return
    path = _saved_upload(upload)
    try:
        detected = sniff(path)
    except FileRejected as exc:
        detected, reason = None, str(exc)
    if detected is None:
        st.warning(f"Format not recognised: {md(reason)}. Choose one to check the columns again.")
    chosen = st.selectbox(
        "Format", FORMATS, index=FORMATS.index(detected.format) if detected else None,
        format_func=lambda f: LABELS[f] + (" (detected)" if detected and f == detected.format else ""),
        placeholder="Choose a format", key=f"fmt_{upload.file_id}",
    )
    if chosen is None:
        return
    try:
        info = sniff(path, chosen)
    except FileRejected as exc:
        st.error(f"This file cannot be imported: {md(exc)}")
        return
    for note in info.notes:
        st.caption(md(note))
    st.caption(f"{info.kind.upper()}, {_size(info.size)}, SHA-256 `{info.sha256[:16]}…`; first rows:")
    try:
        _table(preview(info, 10))
    except FileRejected as exc:
        st.error(f"This file cannot be imported: {md(exc)}")
        return
    dry = st.checkbox("Check only (dry run): count what would be loaded, write nothing", key="data_dry")
    if st.button("Check file" if dry else "Import file", type="primary", icon=":material/upload:"):
        bar = st.progress(0.0, text="Reading…")

        def progress(fraction: float, rows: int, stage: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=f"{stage.capitalize()}… {rows:,} rows")

        try:
            result = ingest_info(state.get_store(), info, dry_run=dry, progress=progress, file_name=upload.name)
        except FileRejected as exc:
            bar.empty()
            st.error(f"This file cannot be imported: {md(exc)}")
            return
        finally:
            if not dry:  # imported (or refused): the copy is no longer needed
                _forget_uploads()
        bar.progress(1.0, text="Done")
        st.session_state["_data_result"] = result
    _last_result()


def _last_result() -> None:
    result = st.session_state.get("_data_result")
    if result is None:
        return
    st.subheader(f"{'Checked' if result.dry_run else 'Imported'}: {md(result.file_name)}")
    cols = st.columns(5)
    for col, (label, value) in zip(cols, [("Read", result.read), ("Loaded" if not result.dry_run else "Would load", result.loaded),
                                          ("Duplicates", result.duplicates), ("Skipped", result.skipped),
                                          ("Rejected", result.rejected)]):
        col.metric(label, f"{value:,}")
    st.code(result.summary(), language=None)
    st.caption(f"{result.label}, {result.seconds:.1f} s" + (f", batch `{result.batch_id}`" if result.batch_id else
                                                            " — dry run, nothing written"))
    for reason, n in result.skip_reasons.most_common(5):
        st.caption(f"Skipped {n:,}: {md(reason)}")
    if result.uncertain:
        st.caption(f"{result.uncertain:,} uncertain actor(s) ('X and/or Y') kept with no group: they count for neither.")
    if result.unknown_groups:
        st.info(
            f"{len(result.unknown_groups)} group name(s) matched no known group and were kept as written "
            "(see 'Names to review')."
        )
    if result.rejected_path:
        st.warning(f"{result.rejected:,} row(s) rejected. Each has a `reason`:")
        _table(result.rejected_preview.head(200))
        path = Path(result.rejected_path)
        if path.exists() and path.stat().st_size <= MAX_DOWNLOAD:
            st.download_button("Download the rejected rows (CSV)", path.read_bytes(), file_name=path.name,
                               mime="text/csv", on_click="ignore", icon=":material/download:")
        else:
            st.caption("The rejected rows file is in the data folder:")
            st.code(str(path), language=None)


# --- manual entry ------------------------------------------------------------
def _group_choices() -> list[str]:
    return list(state.vocabulary().groups)


def incident_form() -> None:
    st.markdown("**New incident**")
    country = st.radio("Country", COUNTRIES, horizontal=True, key="m_country")
    choices = _group_choices()
    vocab = state.vocabulary()
    with st.form("manual_incident", clear_on_submit=False):
        c1, c2, c3 = st.columns(3)
        when = c1.date_input("Date", value=None, max_value=date.today(), format="YYYY-MM-DD")
        precision = c2.selectbox("Date known to the", PRECISIONS)
        event_id = c3.text_input("Your reference (optional)", max_chars=60, help="Made up when blank.")
        c1, c2, c3 = st.columns(3)
        province = c1.selectbox("Province", province_names(country), index=None, placeholder="Province")
        district = c2.text_input("District", max_chars=80)
        place = c3.text_input("Place", max_chars=200)
        c1, c2 = st.columns(2)
        lat = c1.number_input("Latitude (optional)", value=None, min_value=-90.0, max_value=90.0, format="%.4f")
        lon = c2.number_input("Longitude (optional)", value=None, min_value=-180.0, max_value=180.0, format="%.4f")
        c1, c2 = st.columns(2)
        attack = c1.selectbox("Attack type", vocab.attack_types, index=None, accept_new_options=True)
        target = c2.selectbox("Target type", vocab.target_types, index=None, accept_new_options=True)
        c1, c2, c3 = st.columns(3)
        killed = c1.number_input("Killed", value=None, min_value=0, step=1)
        injured = c2.number_input("Injured", value=None, min_value=0, step=1)
        killed_note = c3.text_input("Casualty note", max_chars=200)
        summary = st.text_area("Summary", max_chars=4000)
        source = st.text_input("Source URL(s)", max_chars=2000, help="Several separated by spaces.")
        c1, c2 = st.columns(2)
        suspected = c1.multiselect("Suspected", choices, accept_new_options=True)
        suspected_by = c2.text_input("Suspected by", max_chars=120, placeholder="police, ISPR…")
        c1, c2, c3 = st.columns(3)
        claimed = c1.multiselect("Claimed by", choices, accept_new_options=True)
        channel = c2.text_input("Claim channel", max_chars=200)
        claim_date = c3.date_input("Claim date", value=None, max_value=date.today(), format="YYYY-MM-DD")
        denied = st.multiselect("Denied by", choices, accept_new_options=True)
        submitted = st.form_submit_button("Add incident", type="primary")
    if submitted:
        fields = {
            "event_id": event_id, "date": when, "date_precision": precision, "country": country,
            "province": province, "district": district, "place": place, "latitude": lat, "longitude": lon,
            "attack_type": attack, "target_type": target, "killed": killed, "injured": injured,
            "killed_note": killed_note, "summary": summary, "source_url": source, "suspected": suspected,
            "suspected_by": suspected_by, "claimed_by": claimed, "claim_channel": channel,
            "claim_date": claim_date, "denied_by": denied,
        }
        try:
            incident_id = manual.add_incident(state.get_store(), fields)
        except manual.EntryError as exc:
            st.error(f"Not added: {md(exc)}")
            return
        _flash("success", f"Added incident {md(incident_id)}.")
        st.rerun()


def statement_form() -> None:
    st.markdown("**Add a claim, denial or suspicion to an incident**")
    text = st.text_input("Find the incident", max_chars=200, placeholder="place, summary or incident id…",
                         key="m_find")
    found = state.ask("latest", Filter(q=text.strip()), limit=50) if text.strip() else None
    if found is None or found.empty:
        if text.strip():
            st.caption("No incident matches.")
        return
    labels = {
        r.incident_id: f"{r.date:%Y-%m-%d} · {r.place or r.district or r.province} · {r.incident_id}"
        for r in found.itertuples()
    }
    incident_id = st.selectbox("Incident", list(labels), format_func=labels.get, key="m_incident")
    detail, events = state.ask_store("incident_detail", incident_id)
    if detail:
        st.caption(f"Now: {md(detail.get('claim_status') or 'unclaimed')}"
                   + (f", claimed by {md(detail['claimed_by'])}" if detail.get("claimed_by") else "")
                   + (f", attributed to {md(detail['attributed_to'])}" if detail.get("attributed_to") else ""))
    if len(events):
        _table(events[["seq", "kind", "group_id", "group_as_written", "stated_by", "channel", "statement_date"]])
    with st.form("manual_statement", clear_on_submit=True):
        c1, c2 = st.columns(2)
        kind = c1.selectbox("Statement", ATTRIBUTION_KINDS)
        group = c2.selectbox("Group", _group_choices(), index=None, accept_new_options=True,
                             help="A name not in the list is kept as written and listed for review.")
        c1, c2, c3 = st.columns(3)
        stated_by = c1.text_input("Stated by", max_chars=120, help="Blank for a claim or denial: the group itself.")
        channel = c2.text_input("Channel", max_chars=200, placeholder="Amaq, Telegram, spokesman…")
        when = c3.date_input("Statement date", value=None, max_value=date.today(), format="YYYY-MM-DD")
        source = st.text_input("Source URL", max_chars=2000)
        note = st.text_input("Note", max_chars=500)
        submitted = st.form_submit_button("Add statement", type="primary")
    if submitted:
        try:
            manual.add_statements(state.get_store(), incident_id, [{
                "kind": kind, "group": group, "stated_by": stated_by, "channel": channel,
                "statement_date": when, "source_url": source, "note": note,
            }])
        except manual.EntryError as exc:
            st.error(f"Not added: {md(exc)}")
            return
        _flash("success", f"Added a '{kind}' statement to {md(incident_id)}.")
        st.rerun()


# --- batches and names -------------------------------------------------------
def batches_section() -> None:
    batches = state.ask_store("import_batches")
    st.caption("Every import and hand entry is a batch. Removing one takes out exactly what it "
               "brought (its incidents and their statements, or the statements it added) and nothing else.")
    _table(
        batches,
        column_order=["imported_at", "origin", "file_name", "read", "loaded", "duplicates", "skipped",
                      "rejected", "incidents_now", "events_now", "sha256", "batch_id"],
        column_config={
            "imported_at": st.column_config.DatetimeColumn("Imported (UTC)", format="YYYY-MM-DD HH:mm"),
            "origin": "Dataset", "file_name": "File", "incidents_now": "Incidents now",
            "events_now": "Statements now", "sha256": "SHA-256", "batch_id": "Batch",
        },
    )
    removable = batches[batches["origin"] != "reference"]
    if removable.empty:
        return
    labels = {r.batch_id: f"{r.imported_at:%Y-%m-%d %H:%M} · {r.file_name} · {r.incidents_now} incidents"
              for r in removable.itertuples()}
    chosen = st.selectbox("Batch to remove", list(labels), index=None, format_func=labels.get,
                          placeholder="Choose a batch", key="b_choice",
                          help="The embedded default dataset is not removable here.")
    if chosen is None:
        return
    row = removable.set_index("batch_id").loc[chosen]
    confirm = st.checkbox(
        f"Yes, remove {int(row['incidents_now']):,} incident(s) and {int(row['events_now']):,} statement(s) "
        f"of this batch", key=f"b_confirm_{chosen}",
    )
    if st.button("Remove batch", type="primary", disabled=not confirm, icon=":material/delete:"):
        n = remove_batch(state.get_store(), chosen)
        _flash("success", f"Removed batch {md(chosen)} ({n:,} incidents).")
        st.rerun()


def rules_section() -> None:
    """The actor rules in force: a dataset's name that means a different group by place."""
    st.markdown("**Actor rules**: a dataset's actor name that means a different group by place, applied "
                "before names and aliases on every import.")
    rules = groups.actor_rules()
    if rules.empty:
        st.caption("No actor rules.")
    else:
        _table(rules[["dataset", "country", "province", "actor", "group_id", "note"]],
               column_config={"dataset": "Dataset", "country": "Country", "province": "Province (empty: all)",
                              "actor": "Actor as written", "group_id": "Counts for",
                              "note": st.column_config.TextColumn("Why", width="large")})
    st.caption(f"To add or change a rule, write {md(config.data_dir() / 'actor_rules.csv')} with the same "
               "columns (dataset, country, province, actor, group_id, note); your rule for the same dataset, "
               "place and actor wins. It applies to files imported after it.")


def names_section() -> None:
    names = state.ask_store("unknown_group_names")
    st.caption(
        "Group names in the data that match no known group. They are kept as written and count for "
        "no group. To map a name to a group, add a line `alias,group_id` to "
        f"{md(config.data_dir() / 'group_aliases.csv')}, or use the form below. "
        "Uncertain names such as 'X and/or Y' are never mapped."
    )
    if names.empty:
        st.success("No unknown group names.")
        return
    _table(names, column_config={"name": "Name as written", "events": "Statements", "incidents": "Incidents"})
    vocab = state.vocabulary()
    with st.form("alias_form", clear_on_submit=True):
        c1, c2 = st.columns(2)
        alias = c1.selectbox("Name as written", names["name"].tolist(), index=None)
        group = c2.selectbox("Is the group", vocab.groups, index=None,
                             format_func=lambda g: f"{g} — {vocab.group_names.get(g, g)}")
        submitted = st.form_submit_button("Add to my aliases and apply")
    if submitted:
        try:
            n = groups.add_alias(state.get_store(), alias or "", group or "")
        except groups.AliasError as exc:
            st.error(f"Not added: {md(exc)}")
            return
        _flash("success", f"Alias added; {n} statement(s) now count for {md(group)}.")
        st.rerun()
    if st.button("Re-read the alias files", help="After editing group_aliases.csv by hand."):
        n = groups.reload_aliases(state.get_store())
        _flash("success", f"Aliases read again; {n} statement(s) resolved.")
        st.rerun()


# --- page --------------------------------------------------------------------
st.title("Import & manage data")
_show_flash()
tabs = st.tabs(["Import a file", "Add by hand", "Import batches", "Names to review", "District boundaries"])
with tabs[0]:
    import_section()
with tabs[1]:
    incident_form()
    st.divider()
    statement_form()
with tabs[2]:
    batches_section()
with tabs[3]:
    rules_section()
    names_section()
with tabs[4]:
    try:
        from dashboard.views import boundaries_panel
    except ImportError:
        st.caption("District boundaries are managed with `python -m dashboard boundaries`.")
    else:
        boundaries_panel.render()
