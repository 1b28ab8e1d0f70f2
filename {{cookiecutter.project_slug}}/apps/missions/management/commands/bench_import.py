"""Benchmark the spreadsheet import beside django-import-export: rows/s and peak memory.

    python manage.py bench_import --rows 100000 --baseline-rows 20000 --json bench-import.json

Seeds `--rows` missions of its own (idempotent: it tops them up), exports them with the
project's own missions export (CSV, as an operator downloads it), and from that file makes two:
`new` (the id and version cells emptied, so every row is a new mission) and `update` (every
title edited, so every row changes one field). Each method then imports one of them in a fresh
forked process, so one method's memory does not count against the next; memory is the growth of
peak RSS over the process just before the import (the export benchmark's measure). Each import
runs inside a transaction that is rolled back once the clock has stopped and the rows written
are counted, so every method starts from the same database.

Methods: `ours_new`, `ours_update` (`apply_import`, the API's and the admin's path, in batches
of `IMPORTS_BATCH_SIZE`), and django-import-export's `Resource.import_data` on the same file:
`iex_new`, `iex_update` with its defaults (the instance looked up row by row, each row saved,
a diff kept per row), and `iex_bulk_new`, `iex_bulk_update` tuned as its documentation advises
for speed (`use_bulk`, `skip_diff`, `CachedInstanceLoader`). Its rows read the same cells: Y/N,
the export's local datetimes, the reward by name; it does not run `full_clean` (its default),
ours does. django-import-export can be slow: `--baseline-rows` imports the first rows of the
same file, and ratios compare rows/s.

The import limits (IMPORTS_MAX_ROWS, IMPORTS_MAX_BYTES) are raised to the file's size here: they
guard a request, and the benchmark measures the engine. DEBUG is off while it runs, as in
production: its query log would hold every statement.
"""

import csv
import gc
import json
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import tablib
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections, transaction
from django.test import override_settings
from import_export import fields, instance_loaders, resources, widgets

from apps.common.access.client import AccessContext
from apps.common.benchmarking import peak_rss_kb
from apps.common.imports import apply_import
from apps.missions.exports import MissionCSVDownloader
from apps.missions.imports import mission_import
from apps.missions.models import Mission, Reward
from apps.missions.serializers import MissionCSVSerializer

METHODS = (
    "ours_new",
    "ours_update",
    "iex_new",
    "iex_update",
    "iex_bulk_new",
    "iex_bulk_update",
)
TARGET_RATIO = 5.0  # rows/s over django-import-export's
MEMORY_TARGET_MB = 150  # at 1,000,000 rows
TAG = "bench-import"
EDIT = " (edited)"
SEED_BATCH = 5000

# An import reads its file and writes its rows.
Method = Callable[[Path], None]


def _seed(rows: int) -> None:
    """At least `rows` benchmark missions, over three rewards of their own."""
    rewards = [
        Reward.objects.get_or_create(name=f"{TAG} reward {n}", defaults={"point": 100 * (n + 1)})[0]
        for n in range(3)
    ]
    have = Mission.objects.filter(reward__in=rewards).count()
    starts = datetime(2026, 1, 1, tzinfo=UTC)
    for first in range(have, rows, SEED_BATCH):
        Mission.objects.bulk_create(
            Mission(
                title=f"{TAG} mission {n}",
                is_exposed=n % 2 == 0,
                starts_at=starts + timedelta(minutes=n),
                ends_at=starts + timedelta(days=30, minutes=n),
                reward=rewards[n % 3],
            )
            for n in range(first, min(first + SEED_BATCH, rows))
        )


def _export(rows: int, path: Path) -> None:
    """The first `rows` benchmark missions through the missions export, as the API streams it."""
    ids = Mission.objects.filter(reward__name__startswith=TAG).order_by("pk").values_list("pk")
    last_pk = ids[rows - 1][0]
    queryset = Mission.objects.filter(reward__name__startswith=TAG, pk__lte=last_pk)
    downloader = MissionCSVDownloader(
        queryset=queryset, allow_row_limit=None, ordering_fields=("pk",)
    )
    response = downloader.get_result_as_streaming_response()
    with path.open("wb") as file:
        for chunk in response:
            file.write(chunk)
    response.close()


def _column(field: str) -> int:
    return MissionCSVSerializer.Meta.fields.index(field)


def _derive(exported: Path, directory: Path, counts: set[int]) -> dict[str, Path]:
    """From the export: for each row count, a file of new rows and one of edited titles."""
    key, version, title = _column("id"), _column("updated_at"), _column("title")
    paths = {}
    for count in counts:
        for kind in ("new", "update"):
            path = directory / f"{kind}-{count}.csv"
            with (
                exported.open(encoding="utf-8-sig", newline="") as source,
                path.open("w", encoding="utf-8-sig", newline="") as target,
            ):
                reader, writer = csv.reader(source), csv.writer(target)
                writer.writerow(next(reader))
                for _, row in zip(range(count), reader, strict=False):
                    if kind == "new":
                        row[key] = row[version] = ""
                    else:
                        row[title] += EDIT
                    writer.writerow(row)
            paths[f"{kind}-{count}"] = path
    return paths


def import_ours(path: Path) -> None:
    with path.open("rb") as file:
        # Recorded as an import by nobody (one access record an import, not one a row).
        apply_import(
            spec=mission_import, file=file, name=path.name, context=AccessContext(user=None)
        )


class YesNoWidget(widgets.BooleanWidget):
    """The export's Y/N, which django-import-export's boolean cells do not read by default."""

    TRUE_VALUES = ["Y"]
    FALSE_VALUES = ["N"]
    NULL_VALUES = ["-", ""]


def _resource(*, bulk: bool) -> resources.ModelResource:
    """A missions resource reading the export's columns by their headers in this language."""
    headers = dict(
        zip(
            MissionCSVSerializer.Meta.fields,
            MissionCSVDownloader(queryset=Mission.objects.none()).get_csv_headers(),
            strict=True,
        )
    )
    datetime_format = MissionCSVDownloader.datetime_format

    def column(name: str, widget: widgets.Widget, attribute: str | None = None) -> fields.Field:
        return fields.Field(attribute=attribute or name, column_name=headers[name], widget=widget)

    meta: dict[str, Any] = {
        "model": Mission,
        "fields": ("id", "title", "is_exposed", "starts_at", "ends_at", "reward"),
        "import_id_fields": ("id",),
    }
    if bulk:
        meta.update(
            use_bulk=True,
            batch_size=1000,
            skip_diff=True,
            instance_loader_class=instance_loaders.CachedInstanceLoader,
        )
    attributes = {
        "id": column("id", widgets.IntegerWidget()),
        "title": column("title", widgets.CharWidget()),
        "is_exposed": column("is_exposed", YesNoWidget()),
        "starts_at": column("starts_at", widgets.DateTimeWidget(format=datetime_format)),
        "ends_at": column("ends_at", widgets.DateTimeWidget(format=datetime_format)),
        "reward": column("reward_name", widgets.ForeignKeyWidget(Reward, field="name"), "reward"),
        "Meta": type("Meta", (), meta),
    }
    resource_class = type("MissionResource", (resources.ModelResource,), attributes)
    return resource_class()


def import_iex(path: Path, *, bulk: bool) -> None:
    """django-import-export's way: the file into a tablib Dataset, then `import_data`."""
    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8-sig"), format="csv")
    result = _resource(bulk=bulk).import_data(dataset, raise_errors=True, use_transactions=True)
    if result.has_errors() or result.has_validation_errors():
        raise CommandError("django-import-export reported errors.")


IMPORTS: dict[str, Method] = {
    "ours": import_ours,
    "iex": lambda path: import_iex(path, bulk=False),
    "iex_bulk": lambda path: import_iex(path, bulk=True),
}


def _written(kind: str, seeded: int) -> int:
    """How many rows the import wrote, counted before the rollback."""
    if kind == "new":
        return Mission.objects.filter(reward__name__startswith=TAG).count() - seeded
    return Mission.objects.filter(title__endswith=EDIT).count()


def _run_in_child(name: str, path: Path, rows: int, seeded: int) -> dict[str, Any]:
    """Run one import in a forked process, rolled back; its figures come back through a pipe."""
    method, kind = name.rsplit("_", 1)
    connections.close_all()  # the child opens its own database connection
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            gc.collect()
            peak, baseline = peak_rss_kb()
            with transaction.atomic():
                started = time.perf_counter()
                IMPORTS[method](path)
                seconds = time.perf_counter() - started
                peak_kb = peak()
                written = _written(kind, seeded)
                transaction.set_rollback(True)
            result: dict[str, Any] = {
                "rows": rows,
                "written": written,
                "seconds": seconds,
                "peak_rss_mb": round((peak_kb - baseline) / 1024, 1),
                "baseline_rss_mb": round(baseline / 1024, 1),
            }
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            result = {"error": f"{type(error).__name__}: {error}"}
        with os.fdopen(write_end, "w") as pipe:
            json.dump(result, pipe)
        connections.close_all()
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        result = json.load(pipe)
    os.waitpid(pid, 0)
    if "error" in result:
        raise CommandError(f"{name}: {result['error']}")
    return result


class Command(BaseCommand):
    help = "Benchmark the missions import beside django-import-export: rows/s and peak memory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=100_000, help="rows our import reads")
        parser.add_argument(
            "--baseline-rows",
            type=int,
            default=None,
            help="rows django-import-export reads (the same file's first rows; default --rows)",
        )
        parser.add_argument(
            "--json", dest="json_path", type=Path, default=None, help="also write figures here"
        )
        parser.add_argument(
            "--methods",
            default=",".join(METHODS),
            help=f"comma-separated subset of {', '.join(METHODS)}",
        )

    def handle(
        self,
        *args: Any,
        rows: int,
        baseline_rows: int | None,
        json_path: Path | None,
        methods: str,
        **options: Any,
    ) -> None:
        names = [name.strip() for name in methods.split(",") if name.strip()]
        if unknown := set(names) - set(METHODS):
            raise CommandError(f"Unknown methods: {', '.join(sorted(unknown))}")
        if not hasattr(os, "fork"):
            raise CommandError("The benchmark runs each method in a forked process (Linux, macOS).")
        baseline_rows = rows if baseline_rows is None else baseline_rows
        if rows < 1 or baseline_rows < 1:
            raise CommandError("--rows and --baseline-rows must be at least 1.")
        counts = {name: rows if name.startswith("ours_") else baseline_rows for name in names}
        most = max(counts.values())

        self.stdout.write(f"Seeding {most:,} missions on {connection.vendor}...")
        _seed(most)
        seeded = Mission.objects.filter(reward__name__startswith=TAG).count()
        results: dict[str, dict[str, Any]] = {}
        with tempfile.TemporaryDirectory(prefix="bench-import-") as directory:
            exported = Path(directory) / "missions.csv"
            _export(most, exported)
            paths = _derive(exported, Path(directory), set(counts.values()))
            size = max(path.stat().st_size for path in paths.values())
            # DEBUG's query log keeps every statement's SQL (a batch's INSERT is about 150 KB):
            # off, as in production, so it is not counted as the import's memory.
            limits = override_settings(IMPORTS_MAX_ROWS=most, IMPORTS_MAX_BYTES=size, DEBUG=False)
            with limits:
                for name in names:
                    kind = name.rsplit("_", 1)[1]
                    path = paths[f"{kind}-{counts[name]}"]
                    result = _run_in_child(name, path, counts[name], seeded)
                    self.stdout.write(f"  {name}: {result['seconds']:.1f}s")
                    results[name] = result
        for result in results.values():
            result["rows_per_second"] = round(result["rows"] / result["seconds"])

        report = self._report(rows, baseline_rows, results)
        self.stdout.write(self._table(report))
        if json_path is not None:
            json_path.write_text(json.dumps(report, indent=2) + "\n")
            self.stdout.write(f"Figures written to {json_path}.")

    def _report(
        self, rows: int, baseline_rows: int, results: dict[str, dict[str, Any]]
    ) -> dict[str, Any]:
        """Each of our methods over each baseline of the same kind of rows (new or update)."""
        for name, result in results.items():
            if not name.startswith("ours_"):
                continue
            kind = name.rsplit("_", 1)[1]
            for baseline in ("iex", "iex_bulk"):
                theirs = results.get(f"{baseline}_{kind}", {}).get("rows_per_second")
                if theirs:
                    result[f"ratio_to_{baseline}"] = round(result["rows_per_second"] / theirs, 2)
        return {
            "rows": rows,
            "baseline_rows": baseline_rows,
            "database": connection.vendor,
            "target_ratio_to_iex": TARGET_RATIO,
            "memory_target_mb": MEMORY_TARGET_MB,
            "methods": results,
        }

    def _table(self, report: dict[str, Any]) -> str:
        lines = [
            f"{report['rows']:,} rows (django-import-export: {report['baseline_rows']:,}) "
            f"on {report['database']}",
            f"{'method':<16} {'rows':>10} {'rows/s':>9} {'seconds':>8} {'peak MB':>8} "
            f"{'x iex':>6} {'x iex bulk':>10}",
        ]
        for name, result in report["methods"].items():
            ratios = [result.get(f"ratio_to_{baseline}") for baseline in ("iex", "iex_bulk")]
            iex, bulk = ("-" if ratio is None else f"{ratio:.2f}" for ratio in ratios)
            lines.append(
                f"{name:<16} {result['rows']:>10,} {result['rows_per_second']:>9,} "
                f"{result['seconds']:>8.2f} {result['peak_rss_mb']:>8.1f} {iex:>6} {bulk:>10}"
            )
        return "\n".join(lines)
