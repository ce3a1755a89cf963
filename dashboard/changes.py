"""What changed: the latest calendar week or month against its baselines, per area
and group family, in ACLED-style bands, with a surge flag and "firsts".

Rules (``Thresholds`` holds the numbers; all can be changed):

- **Periods** are calendar-aligned: weeks start on Monday, months on the 1st. The
  latest period is the one holding the "as of" day (the filter's end date, else
  the data's last day); when that day is not the period's last, the period is
  partial and every output says so.
- **Baseline**: the mean of the 4 periods before the latest (ACLED Trendfinder's
  short baseline), and the same period a year earlier (52 weeks, or the same
  month of the year before).
- **Bands** on the change against the 4-period mean: more than +25 % "Increase";
  +10 to +25 % "Moderate increase"; -10 to +10 % "Limited change"; -10 to -25 %
  "Moderate decrease"; less than -25 % "Decrease". A zero baseline gives "New
  activity" (or "No activity").
- **Surge**: the latest count is at least ``surge_ratio`` (2×) the 4-period mean,
  counting only areas whose mean is at least ``min_per_week`` (1 event a week;
  52/12 a month): 1 → 4 attacks a week is a surge, 0 → 1 is not.
- **Firsts**: a group's first attack in an area for at least 12 months; a group's
  first attack on a target type; the first claim under a name as written.

No Streamlit, no SQL: the counts come from ``queries.period_counts``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

import pandas as pd

PERIODS = ("week", "month")
BANDS = ("Increase (>25%)", "Moderate increase (10–25%)", "Limited change (±10%)",
         "Moderate decrease (10–25%)", "Decrease (>25%)", "New activity", "No activity")


@dataclass(frozen=True)
class Thresholds:
    """The documented rules, as numbers (percent for bands)."""

    big: float = 25.0
    moderate: float = 10.0
    surge_ratio: float = 2.0
    min_per_week: float = 1.0
    baseline_periods: int = 4

    def min_activity(self, period: str) -> float:
        """The minimum mean per period for a surge to count (1 a week, 52/12 a month)."""
        return self.min_per_week * (52 / 12 if period == "month" else 1)


def period_start(day: date, period: str) -> date:
    """The first day of the calendar week (Monday) or month holding ``day``."""
    return day.replace(day=1) if period == "month" else day - timedelta(days=day.weekday())


def shift(start: date, period: str, n: int) -> date:
    """The start of the period ``n`` periods after (negative: before) ``start``."""
    if period == "month":
        index = start.year * 12 + start.month - 1 + n
        return date(index // 12, index % 12 + 1, 1)
    return start + timedelta(weeks=n)


def period_end(start: date, period: str) -> date:
    return shift(start, period, 1) - timedelta(days=1)


def year_before(start: date, period: str) -> date:
    """The same period a year earlier: 52 weeks back, or the same month last year."""
    return shift(start, period, -12 if period == "month" else -52)


@dataclass(frozen=True)
class Window:
    """The periods one comparison reads."""

    period: str
    as_of: date
    latest: date          # start of the latest period
    baseline_from: date   # start of the first baseline period
    year_ago: date        # start of the same period a year earlier
    reads_from: date      # the earliest day counted (12 months back, for "firsts")
    ends_with: str = "data"  # what "as of" is: the data's last day, or the selection's end date

    @property
    def latest_end(self) -> date:
        return period_end(self.latest, self.period)

    @property
    def partial(self) -> bool:
        return self.as_of < self.latest_end

    def describe(self) -> str:
        name = "week" if self.period == "week" else "month"
        text = (f"the {name} of {self.latest:%d %b %Y}" if self.period == "week"
                else f"{self.latest:%B %Y}")
        if self.partial:
            why = "the end of the selection" if self.ends_with == "selection" else "the latest data; not yet complete"
            text += f" (to {self.as_of:%d %b %Y}, {why})"
        return text


def window(as_of: date, period: str, t: Thresholds = Thresholds(), ends_with: str = "data") -> Window:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    latest = period_start(as_of, period)
    baseline_from = shift(latest, period, -t.baseline_periods)
    year_ago = year_before(latest, period)
    return Window(period, as_of, latest, baseline_from, year_ago,
                  min(year_ago, latest - timedelta(days=365), baseline_from), ends_with)


def band(latest: float, baseline: float, t: Thresholds = Thresholds()) -> str:
    if baseline <= 0:
        return "New activity" if latest > 0 else "No activity"
    pct = 100 * (latest - baseline) / baseline
    if pct > t.big:
        return BANDS[0]
    if pct >= t.moderate:
        return BANDS[1]
    if pct > -t.moderate:
        return BANDS[2]
    if pct >= -t.big:
        return BANDS[3]
    return BANDS[4]


def compare(counts: pd.DataFrame, w: Window, area: list[str], t: Thresholds = Thresholds()) -> pd.DataFrame:
    """One row per (area, group) active in the latest period or its baseline.

    ``counts``: ``queries.period_counts`` over ``w.reads_from`` … ``w.as_of``.
    Columns: the area columns, group, incidents, killed (latest period),
    baseline_incidents, baseline_killed (means of the baseline periods),
    change_pct (None without a baseline), band, year_ago_incidents,
    change_vs_year_pct, surge, first_in_year.
    """
    keys = area + ["group"]
    columns = keys + ["incidents", "killed", "baseline_incidents", "baseline_killed", "change_pct", "band",
                      "year_ago_incidents", "change_vs_year_pct", "surge", "first_in_year"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    c = counts.copy()
    c["period"] = pd.to_datetime(c["period"]).dt.date
    latest = c[c["period"] == w.latest].groupby(keys, dropna=False)[["incidents", "killed"]].sum()
    base = c[(c["period"] >= w.baseline_from) & (c["period"] < w.latest)]
    base = base.groupby(keys, dropna=False)[["incidents", "killed"]].sum() / t.baseline_periods
    year = c[c["period"] == w.year_ago].groupby(keys, dropna=False)["incidents"].sum()
    before = c[(c["period"] >= w.latest - timedelta(days=365)) & (c["period"] < w.latest)]
    seen_before = set(before.groupby(keys, dropna=False).size().index)
    out = latest.join(base.add_prefix("baseline_"), how="outer").fillna(0)
    out["year_ago_incidents"] = year.reindex(out.index).fillna(0)
    out = out.reset_index()
    out[["incidents", "killed", "year_ago_incidents"]] = out[["incidents", "killed", "year_ago_incidents"]].astype(int)
    out["change_pct"] = [None if b <= 0 else round(100 * (n - b) / b, 1)
                         for n, b in zip(out["incidents"], out["baseline_incidents"])]
    out["band"] = [band(n, b, t) for n, b in zip(out["incidents"], out["baseline_incidents"])]
    out["change_vs_year_pct"] = [None if y <= 0 else round(100 * (n - y) / y, 1)
                                 for n, y in zip(out["incidents"], out["year_ago_incidents"])]
    out["surge"] = ((out["baseline_incidents"] >= t.min_activity(w.period))
                    & (out["incidents"] >= t.surge_ratio * out["baseline_incidents"]))
    out["first_in_year"] = [n > 0 and tuple(r) not in seen_before
                            for n, r in zip(out["incidents"], out[keys].itertuples(index=False, name=None))]
    out = out.sort_values(["surge", "incidents", "baseline_incidents"], ascending=[False, False, False])
    return out[columns].reset_index(drop=True)


def thresholds_dict(t: Thresholds) -> dict:
    return asdict(t)
