"""One escaping rule for every text the app shows that came from a URL, a file or
the store: it is shown as the literal text it is, never as markup.

- ``md(text)``: for anything Streamlit renders as Markdown (captions, notices,
  headings, ``st.markdown``): every ASCII punctuation mark is backslash-escaped,
  so no link, image, emphasis, directive (``:red[…]``, ``:material/…:``) or HTML
  can form; a word joiner (U+2060, invisible) inside ``http://``, ``www.`` and
  after ``@`` stops auto-links; line breaks become spaces.
- ``plotly(text)``: for Plotly labels, legends, ticks and hover text, which read
  a subset of HTML: ``&``, ``<`` and ``>`` become entities. Data text is never
  formatted into a ``hovertemplate`` (``%{…}`` there is a template field).
- ``safe_url(url)``: a web address as a link target only when it is http(s).

No Streamlit here: pages, figures and exports all use it.
"""

from __future__ import annotations

import re

import pandas as pd

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_WEB = re.compile(r"^https?://[^\s<>\"']+$", re.I)
# Markdown turns a bare address into a link even with its punctuation escaped
# (GFM "autolink literals"): an invisible word joiner inside the marker stops it.
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp):)(//)|(\bwww)(\.)|(@)")
_JOINER = "\u2060"


def md(text: object, limit: int | None = None) -> str:
    """``text`` as literal Markdown (one line; cut to ``limit`` characters with '…')."""
    value = "" if text is None else str(text)
    value = _BREAKS.sub(" ", value).replace("\x00", "")
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…"
    value = _AUTOLINK.sub(lambda m: _JOINER.join(g for g in m.groups() if g) + (_JOINER if m.group(5) else ""), value)
    return _PUNCT.sub(r"\\\1", value)


def plotly(values):
    """Data text made inert for Plotly's pseudo-HTML (a string, or a Series/list of them)."""
    if isinstance(values, str):
        return values.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (pd.Series(values).astype(str).str.replace("&", "&amp;", regex=False)
            .str.replace("<", "&lt;", regex=False).str.replace(">", "&gt;", regex=False))


def safe_url(url: object) -> str | None:
    """``url`` when it is an http(s) address with no spaces or quotes, else None."""
    text = "" if url is None else str(url).strip()
    return text if _WEB.match(text) else None
