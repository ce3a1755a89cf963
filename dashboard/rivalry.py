"""How two groups compete: outbidding indicators, shared ground, claim competition,
and whether one group's attacks are followed by the other's.

Input: the small tables ``queries.rivalry_summary`` aggregates in DuckDB (per
side and period, area, target type, gap in days) and the daily counts of
``queries.rivalry_daily``. Every function here is pure (pandas, numpy, scipy,
statsmodels); no Streamlit, no SQL.
The measures, their sources and their limits: docs/rivalry.md.

- ``share``: each side's share of the two groups' attacks and killed per period.
- ``severity``: killed per attack (median, quartiles), share of suicide attacks,
  share of mass-casualty attacks (``MASS_CASUALTY`` = 10 or more killed).
- ``targets``: target categories (``TARGET_CATEGORIES``) as shares, and the change
  between the last two periods.
- ``geography``: areas where both are active and the overlap index per period,
  sum over areas of min(share of A's attacks there, share of B's): 1 when the two
  spread their attacks alike, 0 when they never meet.
- ``claims``: share claimed, days to claim, attacks claimed that officials first
  blamed on the other, incidents both claimed.
- ``lead_lag``: days from each attack to the other side's next attack in the
  same area; weekly cross-correlation with 95 % bands; Granger tests both ways
  (statsmodels); a two-group self-exciting (Hawkes) model on daily counts
  (weekly when dates are imprecise) with parametric-bootstrap intervals.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.signal import lfilter

MASS_CASUALTY = 10        # killed, for the mass-casualty share (a common threshold in the literature)
MIN_EVENTS = 20           # per side, below which the Hawkes model and the Granger tests are not run
MIN_WEEKS = 26            # weeks of data, below which the same
MAX_LAG_WEEKS = 8         # cross-correlation lags shown, each way
GRANGER_LAGS = 4          # weeks
BOOTSTRAP = 30            # parametric bootstrap replicates for the Hawkes intervals
CAVEAT = ("Common drivers (military operations, seasons, politics, reporting) can look like one group "
          "answering the other; these are associations in the record, not proof of contagion.")

TARGET_CATEGORIES = {
    "security forces": "security forces", "police": "security forces", "military": "security forces",
    "civilians": "civilians", "education": "civilians", "foreign nationals": "civilians",
    "religious gathering/mosque": "religious and political gatherings",
    "political party/gathering": "religious and political gatherings",
    "government": "officials and Taliban authorities", "taliban": "officials and Taliban authorities",
    "militants": "rival militants",
}


def target_category(target_type: str | None) -> str:
    if not isinstance(target_type, str) or not target_type.strip():
        return "unknown"
    text = target_type.strip().lower()
    return TARGET_CATEGORIES.get(text, next((v for k, v in TARGET_CATEGORIES.items() if k in text), "other"))


def _frame(part: pd.DataFrame | None, columns: list[str]) -> pd.DataFrame:
    """``part`` with every one of ``columns`` (missing ones empty); an empty frame for None."""
    if part is None:
        return pd.DataFrame(columns=columns)
    return part.reindex(columns=columns)


def _period(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values)


def incidents(period: pd.DataFrame | None, sides: tuple[str, str]) -> dict[str, int]:
    """Incidents counted for each side in the selection."""
    p = _frame(period, ["side", "n"])
    return {s: int(p.loc[p["side"] == s, "n"].sum()) for s in sides}


def share(period: pd.DataFrame | None, sides: tuple[str, str]) -> pd.DataFrame:
    """Per period: attacks and killed of each side and its share of the two (0–1).
    ``period``: the summary's rows per (side, period) with n and killed."""
    cols = ["period", "side", "incidents", "killed", "share_incidents", "share_killed"]
    p = _frame(period, ["side", "period", "n", "killed"])
    if p.empty:
        return pd.DataFrame(columns=cols)
    g = (p.assign(period=_period(p["period"]), incidents=p["n"].astype(int), killed=p["killed"].fillna(0).astype(int))
         .set_index(["period", "side"])[["incidents", "killed"]])
    g = g.reindex(pd.MultiIndex.from_product([sorted(g.index.get_level_values(0).unique()), list(sides)],
                                             names=["period", "side"]), fill_value=0).reset_index()
    totals = g.groupby("period")[["incidents", "killed"]].transform("sum")
    g["share_incidents"] = (g["incidents"] / totals["incidents"].where(totals["incidents"] > 0)).round(3)
    g["share_killed"] = (g["killed"] / totals["killed"].where(totals["killed"] > 0)).round(3)
    return g[cols]


def severity(period: pd.DataFrame | None) -> pd.DataFrame:
    """Per side and period: attacks, killed per attack (median, q1, q3; attacks with an
    unknown toll left out), suicide and mass-casualty shares (0–1)."""
    cols = ["side", "period", "attacks", "median_killed", "q1_killed", "q3_killed", "suicide_share",
            "mass_casualty_share"]
    p = _frame(period, ["side", "period", "n", "median_killed", "q1_killed", "q3_killed", "suicide_share",
                        "mass_casualty_share"])
    out = p.rename(columns={"n": "attacks"}).assign(period=_period(p["period"]))
    out["attacks"] = out["attacks"].astype(int)
    out[["suicide_share", "mass_casualty_share"]] = out[["suicide_share", "mass_casualty_share"]].astype(float).round(3)
    return out[cols].sort_values(["side", "period"], ignore_index=True)


def targets(target: pd.DataFrame | None) -> pd.DataFrame:
    """Per side and target category: share of the side's attacks overall, in the last
    period and the one before, and the change between those two (share points)."""
    cols = ["side", "category", "attacks", "share", "share_last", "share_before", "change"]
    t = _frame(target, ["side", "period", "target_type", "n"])
    if t.empty:
        return pd.DataFrame(columns=cols)
    names = {v: target_category(v) for v in t["target_type"].dropna().unique()}
    t = t.assign(category=t["target_type"].map(names).fillna("unknown"), period=_period(t["period"]))
    periods = sorted(t["period"].unique())
    last, before = (periods[-1], periods[-2]) if len(periods) > 1 else (periods[-1], None)

    def shares(part: pd.DataFrame) -> pd.Series:
        return part.groupby(["side", "category"])["n"].sum() / part.groupby("side")["n"].sum()

    out = pd.DataFrame({"attacks": t.groupby(["side", "category"])["n"].sum(), "share": shares(t)})
    out["share_last"] = shares(t[t["period"] == last]).reindex(out.index).fillna(0)
    out["share_before"] = shares(t[t["period"] == before]).reindex(out.index).fillna(0) if before is not None else np.nan
    out["change"] = out["share_last"] - out["share_before"]
    out["attacks"] = out["attacks"].astype(int)
    return out.round(3).reset_index()[cols].sort_values(["side", "attacks"], ascending=[True, False], ignore_index=True)


def geography(area: pd.DataFrame | None, level: str, sides: tuple[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(areas, overlap): attacks per area and side with ``both`` where both are
    active; and per period the overlap index (see the module docstring).
    ``area``: the summary's counts per (side, period, country, province, district)."""
    keys = ["country", "province"] + (["district"] if level == "district" else [])
    a = _frame(area, ["side", "period", "country", "province", "district", "n"]).dropna(subset=[keys[-1]])
    if a.empty:
        return (pd.DataFrame(columns=[*keys, sides[0], sides[1], "both"]),
                pd.DataFrame(columns=["period", "overlap", "areas_a", "areas_b", "shared_areas"]))
    a = a.assign(period=_period(a["period"]), n=a["n"].astype(int))
    areas = a.pivot_table(index=keys, columns="side", values="n", aggfunc="sum", fill_value=0)
    areas = areas.reindex(columns=list(sides), fill_value=0)
    areas.columns.name = None
    areas["both"] = (areas[sides[0]] > 0) & (areas[sides[1]] > 0)
    areas = areas.reset_index().sort_values(["both", sides[0], sides[1]], ascending=False, ignore_index=True)
    counts = (a.groupby(["period", *keys, "side"])["n"].sum()
              .unstack("side", fill_value=0).reindex(columns=list(sides), fill_value=0))
    x, y = counts[sides[0]], counts[sides[1]]
    per = counts.groupby(level="period")
    share_a, share_b = x / per[sides[0]].transform("sum"), y / per[sides[1]].transform("sum")
    overlap = np.minimum(share_a, share_b).groupby(level="period").sum()
    both_active = (per[sides[0]].sum() > 0) & (per[sides[1]].sum() > 0)
    out = pd.DataFrame({
        "overlap": overlap.where(both_active).round(3),
        "areas_a": (x > 0).groupby(level="period").sum(), "areas_b": (y > 0).groupby(level="period").sum(),
        "shared_areas": ((x > 0) & (y > 0)).groupby(level="period").sum(),
    }).reset_index()
    out["overlap"] = out["overlap"].astype(object).where(out["overlap"].notna(), None)
    return areas, out


def claims(per_side: pd.DataFrame | None, competing: pd.DataFrame | None, sides: tuple[str, str]) -> dict:
    """Per side: attacks, share claimed, median days to claim; attacks it claimed that
    officials first blamed on the other side; and incidents both sides claimed."""
    c = _frame(per_side, ["side", "n", "claimed", "median_days", "blamed"]).set_index("side")
    out = {}
    for side in sides:
        row = c.loc[side] if side in c.index else None
        n = int(row["n"]) if row is not None else 0
        claimed = int(row["claimed"]) if row is not None else 0
        median = row["median_days"] if row is not None else None
        out[side] = {
            "attacks": n, "claimed": claimed, "share_claimed": round(claimed / n, 3) if n else None,
            "median_days_to_claim": None if median is None or pd.isna(median) else float(median),
            "claimed_after_the_other_was_blamed": int(row["blamed"]) if row is not None else 0,
        }
    comp = _frame(competing, ["n"])
    out["competing_claims"] = int(comp["n"].sum()) if len(comp) else 0
    return out


def time_to_next(gaps: pd.DataFrame | None, sides: tuple[str, str]) -> dict:
    """For each attack of one side, the days to the other side's next attack in the same
    area (median and quartiles, linear interpolation, over the attacks that were
    followed at all). ``gaps``: attacks per (side, gap in days; empty: never followed)."""
    g = _frame(gaps, ["side", "gap", "n"])
    out = {}
    for side, other in (sides, sides[::-1]):
        mine = g[g["side"] == side]
        followed = mine.dropna(subset=["gap"])
        days = np.repeat(followed["gap"].to_numpy(dtype=float), followed["n"].to_numpy(dtype=int))
        out[f"{side}->{other}"] = {
            "attacks": int(mine["n"].sum()), "followed": int(len(days)),
            "median_days": float(np.quantile(days, 0.5)) if len(days) else None,
            "q1_days": float(np.quantile(days, 0.25)) if len(days) else None,
            "q3_days": float(np.quantile(days, 0.75)) if len(days) else None,
        }
    return out


def _per(daily: pd.DataFrame, sides: tuple[str, str], freq: str) -> pd.DataFrame:
    d = daily.assign(date=pd.to_datetime(daily["date"]))
    if freq == "W-MON":
        d["date"] = d["date"].dt.to_period("W-SUN").dt.start_time
    c = d.groupby(["date", "side"])["n"].sum().unstack(fill_value=0)
    full = pd.date_range(c.index.min(), c.index.max(), freq=freq)
    return c.reindex(full, fill_value=0).reindex(columns=list(sides), fill_value=0).astype(int)


def weekly_counts(daily: pd.DataFrame, sides: tuple[str, str]) -> pd.DataFrame:
    """Incidents per calendar week (Monday) and side, every week from the first to the
    last. ``daily``: incidents per (date, side) in column n."""
    if daily.empty:
        return pd.DataFrame(columns=list(sides))
    return _per(daily, sides, "W-MON")


def cross_correlation(weekly: pd.DataFrame, sides: tuple[str, str], max_lag: int = MAX_LAG_WEEKS) -> pd.DataFrame:
    """corr(A_t, B_{t+lag}) for lag = -max_lag … max_lag weeks, with the ±1.96/√n band
    of no correlation. A positive lag with a high value: B's weeks follow A's."""
    n = len(weekly)
    band = 1.96 / math.sqrt(n) if n else None
    out = []
    if n < 3:
        return pd.DataFrame(columns=["lag_weeks", "correlation", "band"])
    a, b = weekly[sides[0]].astype(float), weekly[sides[1]].astype(float)
    for lag in range(-max_lag, max_lag + 1):
        x, y = (a.iloc[: n - lag], b.iloc[lag:]) if lag >= 0 else (a.iloc[-lag:], b.iloc[: n + lag])
        value = np.corrcoef(x.to_numpy(), y.to_numpy())[0, 1] if len(x) > 2 and x.std() > 0 and y.std() > 0 else np.nan
        out.append({"lag_weeks": lag, "correlation": None if np.isnan(value) else round(float(value), 3),
                    "band": round(band, 3)})
    return pd.DataFrame(out)


def granger(weekly: pd.DataFrame, sides: tuple[str, str], lags: int = GRANGER_LAGS) -> dict:
    """Granger tests both ways on weekly counts (statsmodels; the smallest p-value of
    the F tests up to ``lags`` weeks, with the lag it comes from)."""
    from statsmodels.tsa.stattools import grangercausalitytests

    out = {}
    for cause, effect in (sides, sides[::-1]):
        data = weekly[[effect, cause]].astype(float)
        if len(data) < MIN_WEEKS or data[cause].std() == 0 or data[effect].std() == 0:
            out[f"{cause}->{effect}"] = {"p_value": None, "lag_weeks": None,
                                         "declined": f"needs {MIN_WEEKS}+ weeks with activity on both sides"}
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = grangercausalitytests(data.to_numpy(), maxlag=lags)
        best = min(res, key=lambda k: res[k][0]["ssr_ftest"][1])
        out[f"{cause}->{effect}"] = {"p_value": round(float(res[best][0]["ssr_ftest"][1]), 4), "lag_weeks": int(best),
                                     "declined": None}
    return out


# --- the two-group Hawkes model -----------------------------------------------------------
@dataclass
class HawkesFit:
    """λ_i(t) = μ_i + Σ_j α_ji Σ_{s≥1} g(s) N_j(t−s), g(s) = (1−e^{−β}) e^{−β(s−1)}.

    ``alpha[j][i]``: the branching ratio j→i, the expected number of i's events that
    one event of j sets off (g sums to 1). ``mu``: background events per step.
    ``decay``: β per step; the mean delay of a triggered event is 1/(1−e^{−β}) steps.
    """

    mu: np.ndarray
    alpha: np.ndarray
    decay: float
    loglik: float

    def vector(self) -> np.ndarray:
        return np.concatenate([self.mu, self.alpha.ravel(), [self.decay]])


def _excitation(counts: np.ndarray, decay: float) -> np.ndarray:
    """X[t, j] = Σ_{s≥1} g(s) N_j(t−s), by the kernel's recursion
    X[t] = e^{−β} X[t−1] + (1−e^{−β}) N[t−1] (shape of ``counts``: steps × 2)."""
    keep = math.exp(-decay)
    return lfilter([0.0, 1.0 - keep], [1.0, -keep], counts.astype(float), axis=0)


def _negloglik(theta: np.ndarray, counts: np.ndarray) -> tuple[float, np.ndarray]:
    """Minus the Poisson log-likelihood of ``counts`` and its gradient in ``theta``
    (log μ, log α row by row, log β), for L-BFGS-B.

    With r = 1 − N/λ: ∂/∂log μ_i = Σ_t r_ti μ_i; ∂/∂log α_ji = Σ_t r_ti X_tj α_ji; and,
    with k = e^{−β} and D = ∂X/∂k (D_t = k D_{t−1} + X_{t−1} − N_{t−1}),
    ∂/∂log β = Σ_t Σ_i r_ti (D α)_ti · (−k β)."""
    mu = np.exp(theta[:2])
    alpha = np.exp(theta[2:6]).reshape(2, 2)
    decay = math.exp(theta[6])
    keep = math.exp(-decay)
    x = _excitation(counts, decay)
    lam = mu[None, :] + x @ alpha
    value = float(-(counts * np.log(lam) - lam).sum())
    r = 1.0 - counts / lam
    d = lfilter([0.0, 1.0], [1.0, -keep], x - counts, axis=0)
    grad = np.empty(7)
    grad[:2] = r.sum(axis=0) * mu
    grad[2:6] = ((x.T @ r) * alpha).ravel()  # [j, i]: Σ_t X_tj r_ti, times α_ji
    grad[6] = float((r * (d @ alpha)).sum()) * (-keep * decay)
    return value, grad


def fit_hawkes(counts: np.ndarray, start: np.ndarray | None = None) -> HawkesFit:
    """Maximum likelihood (Poisson counts per step) from a few starting points."""
    counts = np.asarray(counts, dtype=float)
    means = np.maximum(counts.mean(axis=0), 1e-3)
    starts = [start] if start is not None else []
    for a0, d0 in ((0.2, 0.3), (0.05, 0.1), (0.5, 1.0)):
        starts.append(np.concatenate([np.log(means * (1 - a0)), np.log(np.full(4, a0 / 2)), [math.log(d0)]]))
    best = None
    bounds = [(-12, 5)] * 2 + [(-12, 0.7)] * 4 + [(-6, 3)]
    for x0 in starts:
        res = minimize(_negloglik, x0, args=(counts,), method="L-BFGS-B", jac=True, bounds=bounds)
        if best is None or res.fun < best.fun:
            best = res
    mu, alpha, decay = np.exp(best.x[:2]), np.exp(best.x[2:6]).reshape(2, 2), math.exp(best.x[6])
    return HawkesFit(mu, alpha, decay, -float(best.fun))


def simulate_hawkes(mu, alpha, decay: float, steps: int, seed: int) -> np.ndarray:
    """SYNTHETIC counts from the model (steps × 2), for the bootstrap and the tests."""
    rng = np.random.default_rng(seed)
    mu, alpha = np.asarray(mu, float), np.asarray(alpha, float)
    counts = np.zeros((steps, 2))
    x = np.zeros(2)
    keep, add = math.exp(-decay), 1 - math.exp(-decay)
    for t in range(steps):
        lam = mu + x @ alpha
        counts[t] = rng.poisson(lam)
        x = keep * x + add * counts[t]
    return counts


def hawkes(counts: pd.DataFrame, sides: tuple[str, str], step: str, seed: int = 7,
           replicates: int = BOOTSTRAP) -> dict:
    """Fit the model on ``counts`` (steps × sides) with parametric-bootstrap 95 % intervals.

    Returns ``{"declined": reason}`` below ``MIN_EVENTS`` events a side; else step,
    background (per step), excitation {"A->B": {estimate, low, high}} (branching
    ratios), decay (per step), mean_delay_steps, and one sentence per direction."""
    totals = counts.sum()
    if len(counts) < 8 or (totals < MIN_EVENTS).any():
        return {"declined": f"needs at least {MIN_EVENTS} attacks of each group (has "
                            + ", ".join(f"{s} {int(totals.get(s, 0))}" for s in sides) + ")",
                "step": step}
    data = counts[list(sides)].to_numpy(dtype=float)
    fit = fit_hawkes(data)
    draws = []
    for r in range(replicates):
        sim = simulate_hawkes(fit.mu, fit.alpha, fit.decay, len(data), seed + r)
        if (sim.sum(axis=0) == 0).any():
            continue
        draws.append(fit_hawkes(sim, start=np.log(np.maximum(fit.vector(), 1e-6))).vector())
    draws = np.array(draws) if draws else np.empty((0, 7))

    def interval(k: int) -> tuple[float | None, float | None]:
        if not len(draws):
            return None, None
        return float(np.percentile(draws[:, k], 2.5)), float(np.percentile(draws[:, k], 97.5))

    excitation, sentences = {}, {}
    for j, src in enumerate(sides):
        for i, dst in enumerate(sides):
            k = 2 + 2 * j + i
            low, high = interval(k)
            excitation[f"{src}->{dst}"] = {"estimate": round(float(fit.alpha[j, i]), 3),
                                           "low": None if low is None else round(low, 3),
                                           "high": None if high is None else round(high, 3)}
            if src != dst:
                sentences[f"{src}->{dst}"] = (
                    f"Each {src} attack is followed, on average, by {fit.alpha[j, i]:.2f} more {dst} attacks than "
                    f"{dst}'s own rhythm explains" + (f" (95 % interval {low:.2f}–{high:.2f})." if low is not None
                                                      else " (no interval computed)."))
    delay = 1 / (1 - math.exp(-fit.decay))
    return {
        "declined": None, "step": step, "steps": int(len(data)), "replicates": int(len(draws)),
        "background": {s: round(float(fit.mu[i]), 4) for i, s in enumerate(sides)},
        "excitation": excitation, "decay": round(fit.decay, 4), "mean_delay_steps": round(delay, 2),
        "sentences": sentences, "caveat": CAVEAT,
    }


def daily_or_weekly(daily: pd.DataFrame, exact: float, sides: tuple[str, str]) -> tuple[pd.DataFrame, str]:
    """Counts per day when at least 90 % of the dates are known to the day (``exact``,
    0–1), else per week."""
    if daily.empty:
        return pd.DataFrame(columns=list(sides)), "day"
    if exact < 0.9:
        return weekly_counts(daily, sides), "week"
    return _per(daily, sides, "D"), "day"
