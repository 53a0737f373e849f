"""Import: upload exports, see what was read and what was not, publish as a dated snapshot."""

import datetime as dt

import streamlit as st

from pmo_analytics import ui
from pmo_analytics.template import template_workbook

st.title("Import")
st.caption(
    "Upload the exports you already have: project registers, budget grids with one column per month, risk and issue "
    "registers, resource plans (xlsx, xls or csv; English or Dutch headers). Nothing is stored until you publish."
)

left, right = st.columns([3, 1])
with left:
    files = st.file_uploader(
        "Workbooks or CSV files",
        type=["xlsx", "xlsm", "xls", "csv", "txt"],
        accept_multiple_files=True,
        help=f"Up to {ui.upload_limit_mb()} MB per file.",
        key="uploads",
    )
with right:
    as_of = st.date_input("As-of (reporting) date", value=dt.date.today(), format="DD-MM-YYYY", key="import_as_of")
    st.download_button(
        "Download the template",
        data=template_workbook(),
        file_name="pmo_analytics_template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        help="One sheet per table with the headers the importer knows, and a read-me listing every column.",
    )

signature = (tuple((f.name, f.size) for f in files or []), as_of)
if st.session_state.get("import_signature") != signature:
    st.session_state.pop("import_result", None)
    st.session_state.pop("import_errors", None)
    st.session_state.pop("import_published", None)

if files and st.button("Check the files", type="primary", icon=":material/fact_check:"):
    with st.spinner("Reading the files ..."):
        result, errors = ui.analyse_uploads(files, as_of)
    st.session_state["import_signature"] = signature
    st.session_state["import_result"] = result
    st.session_state["import_errors"] = errors

for message in st.session_state.get("import_errors", []):
    st.error(message, icon=":material/error:")

result = st.session_state.get("import_result")
if result is not None:
    summary = result.table_summary()
    read = sum(int(s["rows_read"]) for s in summary.values())
    loaded = sum(int(s["rows_loaded"]) for s in summary.values())
    rejected = sum(int(s["rows_rejected"]) for s in summary.values())
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Rows read", f"{read:,}")
    c2.metric("Will be loaded", f"{loaded:,}")
    c3.metric("Rejected", f"{rejected:,}")
    c4.metric("Warnings", f"{len(result.warnings):,}")

    st.subheader("What was recognised")
    st.dataframe(ui.sheet_overview(result), hide_index=True, width="stretch")
    recognised = [i for i, s in enumerate(result.sheets) if s.table]
    if recognised:
        tabs = st.tabs([f"{result.sheets[i].sheet} → {result.sheets[i].table}" for i in recognised])
        for tab, i in zip(tabs, recognised, strict=True):
            sheet = result.sheets[i]
            with tab:
                st.caption(f"{sheet.file_name}, header on row {sheet.header_row}")
                st.dataframe(ui.mapping_frame(result, i), hide_index=True, width="stretch")
                if sheet.conventions:
                    st.markdown("**Conventions chosen:** " + "; ".join(sheet.conventions))

    if len(result.rejected):
        st.subheader(f"Rejected rows ({len(result.rejected):,})")
        st.caption("These rows are not loaded. Fix them in the file and import again.")
        st.dataframe(result.rejected.drop(columns=["raw"]), hide_index=True, width="stretch")
        st.download_button(
            "Download rejected rows (CSV)",
            data=result.rejected.to_csv(index=False).encode("utf-8-sig"),
            file_name=f"rejected_rows_{result.as_of:%Y-%m-%d}.csv",
            mime="text/csv",
            icon=":material/download:",
        )
    if len(result.warnings):
        st.subheader(f"Warnings ({len(result.warnings):,})")
        st.caption("These values could not be read and are left empty; their rows are loaded.")
        st.dataframe(result.warnings, hide_index=True, width="stretch")

    if loaded and not st.session_state.get("import_published"):
        if st.button(f"Publish as the snapshot of {result.as_of:%d %b %Y}", type="primary", icon=":material/publish:"):
            import_id, message = ui.publish(result)
            st.session_state["import_published"] = (import_id, message)
    elif not loaded:
        st.warning("Nothing to publish: no row could be loaded.")
    published = st.session_state.get("import_published")
    if published:
        (st.success if published[0] is not None else st.error)(published[1])
