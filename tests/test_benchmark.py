"""The export benchmark of a baked project runs and prints its table (figures, not verdicts).

Speed and memory are measured as ratios against baselines in the same run; nothing here times
anything. The test checks the benchmark's own output: every method ran, both of our paths
wrote the same bytes, and the JSON holds the figures the table shows. Two runs: 100,000 rows
with every method (throughput against the old pattern and the floor; XLSX against drf-excel's
way and the XLSX floor), and 1,000,000 rows with our paths and the floors, CSV and XLSX (peak
memory above the process before the export).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import run, temporary_postgres_database
from tools.project import bake

ALL_METHODS = (
    "original",
    "many",
    "streaming",
    "s3",
    "floor",
    "xlsx_drf",
    "xlsx_streaming",
    "xlsx_s3",
    "xlsx_floor",
)
OUR_PATHS_AND_FLOOR = ("streaming", "s3", "floor", "xlsx_streaming", "xlsx_s3", "xlsx_floor")


@pytest.mark.parametrize(
    ("rows", "methods", "repeat"),
    # At 1M rows the run is about memory, not speed: one round each (XLSX alone takes minutes).
    [(100_000, ALL_METHODS, 2), (1_000_000, OUR_PATHS_AND_FLOOR, 1)],
    ids=["100k-every-method", "1M-memory"],
)
def test_csv_export_benchmark_on_postgresql(
    tmp_path, project_python, services_available, capsys, rows, methods, repeat
):
    project = bake(tmp_path)
    with temporary_postgres_database(project_python, "template_bench") as database_url:
        env = {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        run([project_python, "manage.py", "migrate", "-v", "0"], project, env=env)
        output = run(
            [
                *(project_python, "manage.py", "bench_csv_export", "--rows", rows),
                *("--methods", ",".join(methods), "--repeat", repeat, "--json", "bench.json"),
            ],
            project,
            env=env,
        )

    table = output[output.index(f"{rows:,} rows on postgresql") : output.index("Figures written")]
    with capsys.disabled():
        print(f"\nCSV and XLSX export benchmark (baked project, PostgreSQL):\n{table}")
    figures = json.loads((project / "bench.json").read_text())
    assert figures["rows"] == rows
    assert set(figures["methods"]) == set(methods)
    assert figures["streaming_and_s3_same_bytes"] is True
    assert figures["xlsx_streaming_and_s3_same_sheet"] is True
    assert all(method["rows_per_second"] > 0 for method in figures["methods"].values())
