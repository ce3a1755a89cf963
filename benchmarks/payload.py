"""What travels to the browser, measured as the app serialises it, and one
interaction's timing record.

Figures: ``plotly.io.to_json(fig, validate=False)``, what ``st.plotly_chart``
sends. Tables: Streamlit's own Arrow serialiser, what ``st.dataframe`` sends.
(The benchmark may import Streamlit; the app's modules outside ``ui``/``views``
may not.)
"""

from __future__ import annotations

import time


def figure_bytes(fig) -> int:
    """Size of a Plotly figure as ``st.plotly_chart`` sends it."""
    import plotly.io as pio

    return len(pio.to_json(fig, validate=False).encode("utf-8"))


def table_bytes(df) -> int:
    """Size of a DataFrame as ``st.dataframe`` sends it (Arrow IPC)."""
    from streamlit.dataframe_util import convert_pandas_df_to_arrow_bytes

    return len(convert_pandas_df_to_arrow_bytes(df))


class Sample:
    """One interaction: seconds spent answering questions (the rest is figures and
    serialisation), and the bytes of each figure and of all tables sent."""

    def __init__(self):
        self.query_s = 0.0
        self.figure_bytes: dict[str, int] = {}
        self.table_bytes = 0

    def timed(self, fn, *args, **kwargs):
        """``fn(*args, **kwargs)``, its time counted as question-answering."""
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.query_s += time.perf_counter() - t

    def send(self, name: str, fig) -> None:
        self.figure_bytes[name] = figure_bytes(fig)

    def table(self, df) -> None:
        self.table_bytes += table_bytes(df)


def loop(fn, pages, flist, repeat) -> list[dict]:
    """``fn(page, filter) -> Sample | None`` for every repeat, filter and page: one
    record per call (a None Sample counts all its time as questions)."""
    out = []
    for r in range(repeat):
        for label, f in flist:
            for page in pages:
                t = time.perf_counter()
                s = fn(page, f)
                dt = time.perf_counter() - t
                out.append({"repeat": r, "filter": label, "page": page, "ms": dt * 1000,
                            "query_ms": (s.query_s * 1000) if s is not None else dt * 1000,
                            "figure_bytes": s.figure_bytes if s is not None else {},
                            "table_bytes": s.table_bytes if s is not None else 0})
    return out
