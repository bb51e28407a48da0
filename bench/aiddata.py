"""A large AidData file in the published layout, built from the samples.

Rows of the sample files are repeated with new record IDs (well above any
real or seeded ID) and numbered titles, written under the full header of the
richest sample, so the import reads, validates and writes real-looking rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "projects" / "data" / "aiddata"
FIRST_ID = 90_000_001


def _samples() -> tuple[list[str], list[dict[str, str]]]:
    header: list[str] = []
    rows: list[dict[str, str]] = []
    for path in sorted(SAMPLES.glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if len(reader.fieldnames or []) > len(header):
                header = list(reader.fieldnames or [])
            rows.extend(reader)
    return header, rows


def aiddata_csv(
    rows: int,
    *,
    first_id: int = FIRST_ID,
    accept: Callable[[dict[str, str]], bool] | None = None,
) -> bytes:
    """``rows`` data rows in the AidData CSV layout, the same every time, from
    the sample rows ``accept`` takes (default: all)."""
    header, samples = _samples()
    if accept is not None:
        samples = [sample for sample in samples if accept(sample)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for number in range(rows):
        sample = samples[number % len(samples)]
        row = {name: sample.get(name, "") for name in header}
        row["AidData Record ID"] = str(first_id + number)
        row["Title"] = f"{sample['Title'][:480]} (copy {number // len(samples) + 1})"
        writer.writerow(row)
    return out.getvalue().encode("utf-8")
