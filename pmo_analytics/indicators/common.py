"""Helpers every indicator shares: safe division and the reasons an undefined figure carries.

Undefined stays undefined: a ratio whose denominator is 0 or unknown is NaN (JSON null), never 0 and
never infinity, and the row says why in its ``reasons`` column.

Reasons convention (used by every indicator frame):
    ``reasons`` is one ``dict`` per row, figure name -> reason text, holding only the figures that are
    undefined in that row: ``{"cpi": "cpi undefined: ac is 0"}``; ``{}`` when every figure is defined.
    A dict is JSON-able as it stands, so the command line writes the figure as null and the reason
    beside it without reshaping anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import overload

import numpy as np
import pandas as pd

REASONS = "reasons"


@overload
def safe_divide(numerator: pd.Series, denominator: pd.Series | float) -> pd.Series: ...
@overload
def safe_divide(numerator: float, denominator: pd.Series) -> pd.Series: ...
@overload
def safe_divide(numerator: float, denominator: float) -> float: ...
def safe_divide(numerator, denominator):
    """``numerator / denominator`` with NaN where the denominator is 0 or NaN, never inf and never 0.

    Works on Series (aligned on the index, float64 out) and on scalars (float out).
    ``safe_divide(pd.Series([6.0, 1.0]), pd.Series([3.0, 0.0]))`` -> ``[2.0, NaN]``;
    ``safe_divide(1.0, 0.0)`` -> ``nan``.
    """
    if not isinstance(numerator, pd.Series) and not isinstance(denominator, pd.Series):
        num = _as_float(numerator)
        den = _as_float(denominator)
        if np.isnan(den) or den == 0.0 or np.isnan(num):
            return float("nan")
        quotient = num / den
        return quotient if np.isfinite(quotient) else float("nan")
    num = numerator.astype("float64") if isinstance(numerator, pd.Series) else _as_float(numerator)
    den = denominator.astype("float64") if isinstance(denominator, pd.Series) else _as_float(denominator)
    if isinstance(den, pd.Series):
        den = den.where(den != 0.0)  # 0 -> NaN, so the quotient is NaN rather than inf
    elif den == 0.0:
        den = float("nan")
    result = num / den
    # inf can still appear from inf inputs or an overflow: undefined, not infinite.
    return result.where(np.isfinite(result)).astype("float64")


def _as_float(value: object) -> float:
    if value is None or value is pd.NA or value is pd.NaT:
        return float("nan")
    return float(value)  # type: ignore[arg-type]


def build_reasons(index: pd.Index, checks: Iterable[tuple[str, pd.Series, str | pd.Series]]) -> pd.Series:
    """One dict per row (figure -> reason) from ``(figure, is_undefined, reason)`` checks. Named ``reasons``.

    ``reason`` is one text for every row or a Series of texts aligned on ``index``. When several checks
    name the same figure for a row, the first one that applies wins, so list specific causes first:
    ``[("cpi", ac == 0, "cpi undefined: ac is 0"), ("cpi", cpi.isna(), "cpi undefined: ev or ac unknown")]``.
    """
    rows: list[dict[str, str]] = [{} for _ in range(len(index))]
    for figure, is_undefined, reason in checks:
        mask = is_undefined.reindex(index).fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            continue
        texts = reason.reindex(index).to_numpy() if isinstance(reason, pd.Series) else None
        for position in np.flatnonzero(mask):
            text = reason if texts is None else texts[position]
            rows[position].setdefault(figure, str(text))
    return pd.Series(rows, index=index, dtype="object", name=REASONS)


def merge_reasons(*reasons: pd.Series) -> pd.Series:
    """Combine reasons Series aligned on the same index; the first Series wins a figure named twice."""
    if not reasons:
        raise ValueError("merge_reasons needs at least one Series")
    index = reasons[0].index
    rows: list[dict[str, str]] = [{} for _ in range(len(index))]
    for series in reasons:
        for position, mapping in enumerate(series.reindex(index).to_numpy()):
            if isinstance(mapping, Mapping):
                for figure, text in mapping.items():
                    rows[position].setdefault(figure, text)
    return pd.Series(rows, index=index, dtype="object", name=REASONS)


def json_number(value: object) -> float | int | None:
    """A figure as JSON: NaN, None, NA and inf -> None; numpy numbers -> Python numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    number = float(value)  # type: ignore[arg-type]
    return number if np.isfinite(number) else None
