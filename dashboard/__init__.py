"""Militant-violence dashboard for Khyber Pakhtunkhwa and Afghanistan.

Flow: files -> ingest -> DuckDB store -> queries (Filter -> small DataFrames)
-> figures (DataFrame -> Plotly figure) -> views (Streamlit layout only).
"""

__version__ = "0.1.0"
