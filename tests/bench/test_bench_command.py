import json

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def seeded(db):
    call_command(
        "seed_scale", "--scale", "0.001", "--anchor", "2026-03-02", verbosity=0
    )


def test_it_times_every_row_and_writes_the_json(seeded, tmp_path, capsys):
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


def test_it_times_only_the_rows_a_case_names(seeded, tmp_path):
    path = tmp_path / "results.json"
    call_command(
        "bench",
        "--case",
        "Projects: sorted",
        "--runs",
        "1",
        "--warmup",
        "1",
        "--json",
        str(path),
    )
    data = json.loads(path.read_text())
    assert [row["name"] for row in data["pages"]] == ["sorted by worst slippage"]
    assert data["jobs"] == []
    with pytest.raises(CommandError, match="No row matches"):
        call_command("bench", "--case", "nothing like this", "--json", str(path))
