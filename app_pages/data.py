"""Snapshot data: every stored table as of a snapshot date, with where each row came from."""

import streamlit as st

from pmo_analytics import schema, ui

st.title("Snapshot data")
view = ui.frame()
tables = ui.tables(view)
labels = ui.table_labels()
st.caption(
    f"As of {view.as_of:%d %B %Y}: each table comes from the latest import on or before that date that held it."
    + (" Filters apply." if view.is_filtered else "")
)
cols = st.columns(len(tables))
for col, name in zip(cols, schema.TABLES, strict=True):
    col.metric(labels[name], f"{len(tables[name]):,}")

name = st.segmented_control("Table", list(schema.TABLES), format_func=labels.get, default="projects")
if name:
    st.caption(schema.TABLES[name].grain)
    frame = tables[name]
    if frame.empty:
        st.info(f"No {labels[name].lower()} in this snapshot: upload a sheet with them on the Import page.")
    else:
        st.dataframe(frame, hide_index=True, width="stretch")
