"""PMO Analytics: the router. `streamlit run app.py` (or `python3 dev.py app`)."""

import streamlit as st

from pmo_analytics import ui

st.set_page_config(page_title="PMO Analytics", page_icon=":material/monitoring:", layout="wide")
ui.ensure_demo_loaded()

# Pages that show the portfolio get the shared sidebar (snapshot + filters, kept in the URL).
portfolio = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/schedule.py", title="Schedule", icon=":material/event:"),
    st.Page("pages/budget.py", title="Budget", icon=":material/euro:"),
    st.Page("pages/risks.py", title="Risks & issues", icon=":material/warning:"),
    st.Page("pages/resources.py", title="Resources", icon=":material/groups:"),
    st.Page("pages/project.py", title="Project", icon=":material/folder_open:"),
    st.Page("pages/report.py", title="Report", icon=":material/summarize:"),
]
data = [
    st.Page("pages/data_import.py", title="Import", icon=":material/upload_file:"),
    st.Page("pages/history.py", title="History", icon=":material/history:"),
    st.Page("pages/data.py", title="Snapshot data", icon=":material/table_view:"),
]
page = st.navigation({"Portfolio": portfolio, "Data": data})
if page.title in {p.title for p in portfolio + data[2:]}:
    ui.dashboard_sidebar()
else:
    ui.clear_frame()
page.run()
