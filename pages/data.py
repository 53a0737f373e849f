"""Snapshot data: every stored table as of a snapshot date, with where each row came from."""

import streamlit as st

from pmo_analytics import schema, ui

st.title("Snapshot data")
as_of = ui.snapshot_picker()
if as_of is None:
    st.info("No data yet. Upload your exports on the Import page, or run `python -m pmo_analytics demo`.")
    st.stop()

labels = ui.table_labels()
tables = ui.load_tables(as_of)
counts = {name: len(frame) for name, frame in tables.items()}
st.caption(f"As of {as_of:%d %B %Y}: each table comes from the latest import on or before that date that held it.")
cols = st.columns(len(counts))
for col, (name, n) in zip(cols, counts.items(), strict=True):
    col.metric(labels[name], f"{n:,}")

name = st.segmented_control("Table", list(schema.TABLES), format_func=labels.get, default="projects")
if name:
    table = schema.TABLES[name]
    st.caption(table.grain)
    frame = tables[name]
    if frame.empty:
        st.info(f"No {labels[name].lower()} in this snapshot: upload a sheet with them on the Import page.")
    else:
        st.dataframe(frame, hide_index=True, width="stretch")
