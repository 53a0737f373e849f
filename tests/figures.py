"""Read the Plotly figures a page drew in AppTest: the figure JSON, with Plotly's binary arrays decoded.

Plotly 6+ writes numpy arrays as {"dtype": "f8", "bdata": "<base64>"}; `values` turns them back into lists.
"""

from __future__ import annotations

import base64
import json

import numpy as np


def values(encoded: object) -> list:
    """A trace's x / y / z / customdata as a plain list, whether Plotly wrote a list or a binary array."""
    if isinstance(encoded, dict) and "bdata" in encoded:
        array = np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=np.dtype(encoded["dtype"]))
        if "shape" in encoded:
            shape = encoded["shape"]
            array = array.reshape([int(n) for n in str(shape).split(",")] if isinstance(shape, str) else shape)
        return array.tolist()
    return list(encoded) if encoded is not None else []


def figures(at) -> dict[str, dict]:  # noqa: ANN001
    """{chart key: figure dict} for every st.plotly_chart of the run that was given a key."""
    out = {}
    for chart in at.get("plotly_chart"):
        key = chart.proto.id.rsplit("-", 1)[-1]
        out[key] = json.loads(chart.proto.spec)
    return out
