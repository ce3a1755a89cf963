"""Streamlit glue shared by the views: the store handle and the sidebar Filter."""
