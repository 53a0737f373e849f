"""PMO Analytics: the router. `streamlit run app.py` (or `python3 dev.py app`)."""

import streamlit as st

from pmo_analytics import ui

st.set_page_config(page_title="PMO Analytics", page_icon=":material/monitoring:", layout="wide")

# The page scripts live in app_pages/, not pages/: Streamlit treats a pages/ folder beside the main script as a
# legacy multipage app and, when a server's first request is a deep link (/project?project=1005), runs that page
# without this router, so the sidebar and the snapshot never appear.
# Pages that show the portfolio get the shared sidebar (snapshot + filters, kept in the URL).
portfolio = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/schedule.py", title="Schedule", icon=":material/event:"),
    st.Page("app_pages/budget.py", title="Budget", icon=":material/euro:"),
    st.Page("app_pages/risks.py", title="Risks & issues", icon=":material/warning:"),
    st.Page("app_pages/resources.py", title="Resources", icon=":material/groups:"),
    st.Page("app_pages/project.py", title="Project", icon=":material/folder_open:"),
    st.Page("app_pages/report.py", title="Report", icon=":material/summarize:"),
]
data = [
    st.Page("app_pages/data_import.py", title="Import", icon=":material/upload_file:"),
    st.Page("app_pages/history.py", title="History", icon=":material/history:"),
    st.Page("app_pages/data.py", title="Snapshot data", icon=":material/table_view:"),
]
page = st.navigation({"Portfolio": portfolio, "Data": data})
with ui.database_busy_message():  # another process writing for longer than $PMO_LOCK_TIMEOUT: say so, offer a retry
    ui.ensure_demo_loaded()
    if page.title in {p.title for p in portfolio + data[2:]}:
        ui.dashboard_sidebar()
    else:
        ui.clear_frame()
    page.run()
