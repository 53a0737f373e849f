"""Page data: pure functions that shape indicator frames for one page (no streamlit here)."""
