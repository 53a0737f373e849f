"""History: every import (snapshot) with its counts; inspect one, or delete it."""

import streamlit as st

from pmo_analytics import ui

st.title("Import history")
store = ui.get_store()
imports = store.list_imports()
if imports.empty:
    st.info("No imports yet. Upload your exports on the Import page.")
    st.stop()

st.dataframe(imports, hide_index=True, width="stretch")
choice = st.selectbox(
    "Inspect an import",
    imports["import_id"].tolist(),
    format_func=lambda i: f"import {i}: as of {imports.set_index('import_id').at[i, 'as_of']:%d %b %Y}",
)
rejected = store.load_rejected(choice)
warnings = store.load_warnings(choice)
c1, c2 = st.columns(2)
c1.metric("Rejected rows", f"{len(rejected):,}")
c2.metric("Warnings", f"{len(warnings):,}")
if len(rejected):
    st.dataframe(rejected, hide_index=True, width="stretch")
    st.download_button(
        "Download rejected rows (CSV)",
        data=rejected.to_csv(index=False).encode("utf-8-sig"),
        file_name=f"rejected_rows_import_{choice}.csv",
        mime="text/csv",
    )
if len(warnings):
    with st.expander("Warnings"):
        st.dataframe(warnings, hide_index=True, width="stretch")

with st.expander("Delete this import", icon=":material/delete:"):
    st.write("Its rows leave every table; the previous snapshot becomes current again for the tables it held.")
    confirm = st.checkbox(f"Yes, delete import {choice}", key=f"confirm_{choice}")
    if st.button("Delete", type="primary", disabled=not confirm):
        deleted, message = ui.delete_import(choice)
        if deleted:
            st.toast(message, icon=":material/delete:")
            st.rerun()
        st.error(message)
