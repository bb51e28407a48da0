import json

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_times_every_row_and_writes_the_json(tmp_path, capsys):
    call_command(
        "seed_scale", "--scale", "0.001", "--anchor", "2026-03-02", verbosity=0
    )
    path = tmp_path / "results.json"
    call_command(
        "bench",
        "--runs",
        "2",
        "--warmup",
        "1",
        "--job-runs",
        "1",
        "--import-rows",
        "30",
        "--date",
        "2026-03-02",
        "--json",
        str(path),
    )
    data = json.loads(path.read_text())
    names = {(row["group"], row["name"].split(" ")[0]) for row in data["pages"]}
    assert {
        ("documents", "list"),
        ("documents", "filter"),
        ("documents", "sorted"),
        ("documents", "search"),
        ("documents", "detail"),
        ("projects", "list"),
        ("projects", "detail"),
        ("dashboard", "leadership,"),
    } <= names
    for row in data["pages"]:
        assert row["ours"]["runs"] == 2
        assert row["ours"]["median_ms"] > 0
        assert row["ours"]["queries"] > 0
        assert row["floor"]["sql"].startswith("SELECT")
    assert [job["group"] for job in data["jobs"]] == [
        "reminders",
        "reminders",
        "import",
    ]
    assert "30" in data["jobs"][2]["detail"]
    assert data["environment"]["rows"]["agreements_agreement"] == 100
    out = capsys.readouterr().out
    assert "documents: list" in out and "import: AidData file" in out
