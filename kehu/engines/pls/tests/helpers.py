"""The two public example data sets the tests estimate (copied here so the tests stand alone)."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parent / "data"

# The ECSI model of the mobile-phone data (Tenenhaus et al. 2005; plspm's and semPLS's `mobi`).
MOBI_CONSTRUCTS = {
    "Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"],
    "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
    "Quality": [f"PERQ{i}" for i in range(1, 8)],
    "Value": ["PERV1", "PERV2"],
    "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
    "Complaints": ["CUSCO"],
    "Loyalty": ["CUSL1", "CUSL2", "CUSL3"],
}
MOBI_PATHS = [
    ["Image", "Expectation"], ["Image", "Satisfaction"], ["Image", "Loyalty"],
    ["Expectation", "Quality"], ["Expectation", "Value"], ["Expectation", "Satisfaction"],
    ["Quality", "Value"], ["Quality", "Satisfaction"], ["Value", "Satisfaction"],
    ["Satisfaction", "Complaints"], ["Satisfaction", "Loyalty"], ["Complaints", "Loyalty"],
]
MOBI_SPEC = {"constructs": MOBI_CONSTRUCTS, "paths": MOBI_PATHS, "target": "Satisfaction",
             "scale": {"min": 1, "max": 10}}


@cache
def table(name: str) -> tuple[tuple[str, ...], np.ndarray]:
    """Header and numeric body of a CSV in tests/data (text columns dropped)."""
    with (DATA / name).open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    numeric = [j for j, _ in enumerate(header) if body[0][j].replace(".", "").isdigit()]
    x = np.array([[float(r[j]) for j in numeric] for r in body])
    return tuple(header[j] for j in numeric), x


@cache
def reference() -> dict[str, Any]:
    return json.loads((DATA / "satisfaction-reference.json").read_text(encoding="utf-8"))


def satisfaction_spec() -> dict[str, Any]:
    m = reference()["model"]
    return {k: m[k] for k in ("constructs", "paths", "target", "scale")}
