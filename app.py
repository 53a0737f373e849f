"""PMO Analytics: the router. `streamlit run app.py` (or `python3 dev.py app`)."""

import streamlit as st

from pmo_analytics import ui

st.set_page_config(page_title="PMO Analytics", page_icon=":material/monitoring:", layout="wide")
ui.ensure_demo_loaded()

pages = {
    "Portfolio": [
        st.Page("pages/data.py", title="Snapshot data", icon=":material/table_view:", default=True),
    ],
    "Data": [
        st.Page("pages/data_import.py", title="Import", icon=":material/upload_file:"),
        st.Page("pages/history.py", title="History", icon=":material/history:"),
    ],
}
st.navigation(pages).run()
