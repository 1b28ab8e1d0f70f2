"""Benchmark the CSV export: rows/s and peak memory of each way to write the same file.

    python manage.py bench_csv_export --rows 100000 --json bench.json

Seeds `--rows` reward logs (idempotent), then exports them once per method, each in a fresh
forked process so one method's memory does not count against the next. Memory is the growth of
peak RSS (VmHWM, Linux) over the process's RSS just before the export. The S3 path uploads to
moto's S3 server, run in this (parent) process so its copy of the file is not counted.

Methods: `original` (a serializer per row, the whole CSV in a StringIO), `many` (one serializer
with many=True), `streaming` and `s3` (CSVDownloader's Python path, `use_copy=False`), and
`floor` (csv.writer over values_list().iterator(): no conversion at all, the fastest Python).

PostgreSQL's COPY, in the same run: `copy_streaming` and `copy_s3` (CSVDownloader's COPY path,
the same bytes as `streaming`), and `copy_floor` (a bare `COPY (<the floor's values_list>) TO
STDOUT` into a file: no cell rule at all, the fastest the database writes). CSV ratios are
printed to the floor and to the bare COPY; the path each downloader took (COPY, or Python and
why) is printed beside the table.

XLSX, measured in the same run: `xlsx_streaming` and `xlsx_s3` (CSVDownloader with
file_format="xlsx"), `xlsx_drf` (drf-excel's way: the serializer with many=True into an
in-memory openpyxl workbook, saved at the end), and `xlsx_floor` (the same XlsxWriter in
constant-memory mode, fed straight from values_list). XLSX ratios are to the XLSX floor.
"""

import csv
import gc
import hashlib
import io
import json
import logging
import os
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.db.models import QuerySet
from django.test import override_settings
from moto.server import ThreadedMotoServer
from openpyxl.styles import Font

from apps.common.benchmarking import peak_rss_kb
from apps.common.exports.s3 import S3ClientService
from apps.reward_logs.exports import MissionRewardLogCSVDownloader
from apps.reward_logs.models import MissionRewardLog
from apps.reward_logs.seeding import reward_logs_seed
from apps.reward_logs.selectors import reward_log_list

METHODS = (
    "original",
    "many",
    "streaming",
    "s3",
    "floor",
    "copy_streaming",
    "copy_s3",
    "copy_floor",
    "xlsx_drf",
    "xlsx_streaming",
    "xlsx_s3",
    "xlsx_floor",
)
TARGET_RATIO = 0.65
COPY_TARGET_RATIO = 3.0  # the COPY path, to the floor
COPY_TARGET_TO_BARE = 0.6  # the COPY path, to the bare COPY
XLSX_TARGET_RATIO = 0.7  # to the XLSX floor
XLSX_TARGET_OVER_DRF = 2.0  # rows/s over drf-excel's way
BUCKET = "bench-exports"
CHUNK = 1 << 20

# An export writes its file and returns how to find it once the clock has stopped.
Method = Callable[[QuerySet, Path], Callable[[], Path]]

# The path the last downloader of this process took: "COPY", or "Python: <why>".
_path_taken: dict[str, str] = {}


def _downloader(
    queryset: QuerySet, file_format: str = "csv", *, use_copy: bool = False
) -> MissionRewardLogCSVDownloader:
    # As a reader who may unmask sees it: a masked column (the email) is a Python function of
    # its value, which would keep every method on the Python path and measure the mask.
    return MissionRewardLogCSVDownloader(
        queryset=queryset,
        allow_row_limit=None,
        s3_bucket=BUCKET,
        file_format=file_format,
        use_copy=use_copy,
        unmask_personal_data=True,
    )


def _took(downloader: MissionRewardLogCSVDownloader) -> None:
    if downloader.format.name == "csv":
        path = "COPY" if downloader.uses_copy() else f"Python: {downloader.copy_refused}"
        _path_taken["path"] = path


def _convert(value: Any) -> Any:
    """The original pattern's value conversion."""
    return {None: "-", True: "Y", False: "N"}.get(value, value)


def export_original(queryset: QuerySet, directory: Path) -> Callable[[], Path]:
    """The pattern this module replaces: a serializer per row, the whole file in memory."""
    downloader = _downloader(queryset)
    serializer_class = downloader.get_serializer_class()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(downloader.get_csv_headers())
    for obj in queryset.order_by(*downloader.ordering_fields):
        writer.writerow([_convert(value) for value in serializer_class(obj).data.values()])
    path = directory / "original.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return lambda: path


def export_many(queryset: QuerySet, directory: Path) -> Callable[[], Path]:
    downloader = _downloader(queryset)
    data = downloader.get_serializer_class()(
        queryset.order_by(*downloader.ordering_fields), many=True
    ).data
    path = directory / "many.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(downloader.get_csv_headers())
        writer.writerows([_convert(value) for value in row.values()] for row in data)
    return lambda: path


def export_streaming(
    queryset: QuerySet, directory: Path, file_format: str = "csv", *, use_copy: bool = False
) -> Callable[[], Path]:
    downloader = _downloader(queryset, file_format, use_copy=use_copy)
    response = downloader.get_result_as_streaming_response()
    path = directory / f"streaming.{file_format}"
    with path.open("wb") as file:
        for chunk in response:
            file.write(chunk)
    response.close()
    _took(downloader)
    return lambda: path


def export_s3(
    queryset: QuerySet, directory: Path, file_format: str = "csv", *, use_copy: bool = False
) -> Callable[[], Path]:
    downloader = _downloader(queryset, file_format, use_copy=use_copy)
    downloader.get_result_as_download_url()
    _took(downloader)
    key = downloader.file_key
    if key is None:
        raise CommandError("The S3 export recorded no file key.")

    def fetch() -> Path:
        path = directory / f"s3.{file_format}"
        S3ClientService().client.download_file(BUCKET, key, str(path))
        return path

    return fetch


def export_xlsx_drf(queryset: QuerySet, directory: Path) -> Callable[[], Path]:
    """drf-excel's way: every row's data first, then a whole openpyxl workbook in memory."""
    downloader = _downloader(queryset)
    data = downloader.get_serializer_class()(
        queryset.order_by(*downloader.ordering_fields), many=True
    ).data
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(downloader.get_csv_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data:
        sheet.append([_convert(value) for value in row.values()])
    path = directory / "drf.xlsx"
    workbook.save(path)
    return lambda: path


def export_xlsx_floor(queryset: QuerySet, directory: Path) -> Callable[[], Path]:
    """The same writer in constant-memory mode, fed database values with no conversion."""
    downloader = _downloader(queryset)
    rows = _floor_rows(queryset, downloader)
    path = directory / "floor.xlsx"
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "tmpdir": str(directory),
            "remove_timezone": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, downloader.get_csv_headers(), workbook.add_format({"bold": True}))
    for number, row in enumerate(rows.iterator(chunk_size=downloader.chunk_size), start=1):
        sheet.write_row(number, 0, row)
    workbook.close()
    return lambda: path


def _floor_rows(queryset: QuerySet, downloader: MissionRewardLogCSVDownloader) -> QuerySet:
    """The export's columns straight from the database: values_list, no conversion."""
    columns = downloader.column_plan.columns
    lookups = [column.lookup for column in columns if column.lookup]
    if len(lookups) != len(columns):
        raise CommandError("The floor reads every column straight from the database.")
    return queryset.order_by(*downloader.ordering_fields).values_list(*lookups)


def export_floor(queryset: QuerySet, directory: Path) -> Callable[[], Path]:
    downloader = _downloader(queryset)
    rows = _floor_rows(queryset, downloader)
    path = directory / "floor.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(downloader.get_csv_headers())
        writer.writerows(rows.iterator(chunk_size=downloader.chunk_size))
    return lambda: path


def export_copy_floor(queryset: QuerySet, directory: Path) -> Callable[[], Path]:
    """The floor's values_list as a bare COPY: the database's own CSV, no cell rule, no BOM
    or header; what the COPY path is measured against."""
    rows = _floor_rows(queryset, _downloader(queryset))
    select, params = rows.query.get_compiler(using=rows.db).as_sql()
    path = directory / "copy_floor.csv"
    with (
        connections[rows.db].cursor() as cursor,
        cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)", params) as copy,
        path.open("wb") as file,
    ):
        for block in copy:
            file.write(block)
    return lambda: path


EXPORTS: dict[str, Method] = {
    "original": export_original,
    "many": export_many,
    "streaming": export_streaming,
    "s3": export_s3,
    "floor": export_floor,
    "copy_streaming": lambda queryset, directory: export_streaming(
        queryset, directory, use_copy=True
    ),
    "copy_s3": lambda queryset, directory: export_s3(queryset, directory, use_copy=True),
    "copy_floor": export_copy_floor,
    "xlsx_drf": export_xlsx_drf,
    "xlsx_streaming": lambda queryset, directory: export_streaming(queryset, directory, "xlsx"),
    "xlsx_s3": lambda queryset, directory: export_s3(queryset, directory, "xlsx"),
    "xlsx_floor": export_xlsx_floor,
}


def _digest(path: Path) -> str:
    """The file's SHA-256; for XLSX, that of its sheet (the zip also holds creation times)."""
    if path.suffix != ".xlsx":
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
        while chunk := sheet.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _run_in_child(name: str, queryset: QuerySet, directory: Path) -> dict[str, Any]:
    """Run one export in a forked process; its figures come back through a pipe."""
    connections.close_all()  # the child opens its own database connection
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            gc.collect()
            peak, baseline = peak_rss_kb()
            started = time.perf_counter()
            output = EXPORTS[name](queryset, directory)
            seconds = time.perf_counter() - started
            peak_kb = peak()
            path = output()
            digest = _digest(path)
            result: dict[str, Any] = {
                "seconds": seconds,
                "peak_rss_mb": round((peak_kb - baseline) / 1024, 1),
                "baseline_rss_mb": round(baseline / 1024, 1),
                "bytes": path.stat().st_size,
                "sha256": digest,
            }
            if "path" in _path_taken:
                result["path"] = _path_taken["path"]
            path.unlink()
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


def _best(kept: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """The fastest run's figures, with the highest peak memory of all runs."""
    if kept is None:
        return new
    best = min(kept, new, key=lambda result: result["seconds"])
    return {**best, "peak_rss_mb": max(kept["peak_rss_mb"], new["peak_rss_mb"])}


class Command(BaseCommand):
    help = "Benchmark CSV and XLSX export methods on reward logs: rows/s and peak memory of each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=100_000, help="rows to export")
        parser.add_argument(
            "--json", dest="json_path", type=Path, default=None, help="also write figures here"
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=1,
            help="rounds of every method; each keeps its fastest time (a busy machine is noisy)",
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
        json_path: Path | None,
        methods: str,
        repeat: int,
        **options: Any,
    ) -> None:
        names = [name.strip() for name in methods.split(",") if name.strip()]
        if unknown := set(names) - set(METHODS):
            raise CommandError(f"Unknown methods: {', '.join(sorted(unknown))}")
        if not hasattr(os, "fork"):
            raise CommandError("The benchmark runs each method in a forked process (Linux, macOS).")
        if rows < 1 or repeat < 1:
            raise CommandError("--rows and --repeat must be at least 1.")

        self.stdout.write(f"Seeding {rows:,} reward logs on {connection.vendor}...")
        reward_logs_seed(logs=rows)
        last_pk = MissionRewardLog.objects.order_by("pk").values_list("pk", flat=True)[rows - 1]
        queryset = reward_log_list().filter(pk__lte=last_pk)

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        s3_settings = override_settings(
            AWS_S3_ENDPOINT_URL=f"http://{host}:{port}",
            AWS_S3_REGION_NAME="us-east-1",
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 - moto accepts any
            AWS_S3_ADDRESSING_STYLE="path",
        )
        results: dict[str, dict[str, Any]] = {}
        try:
            with s3_settings, tempfile.TemporaryDirectory(prefix="bench-csv-") as directory:
                S3ClientService().ensure_bucket(BUCKET)
                for _ in range(repeat):  # rounds interleave methods: they share the noise
                    for name in names:
                        result = _run_in_child(name, queryset, Path(directory))
                        self.stdout.write(f"  {name}: {result['seconds']:.1f}s")
                        results[name] = _best(results.get(name), result)
        finally:
            server.stop()
        for result in results.values():
            result["rows_per_second"] = round(rows / result["seconds"])

        report = self._report(rows, results)
        self.stdout.write(self._table(report))
        if json_path is not None:
            json_path.write_text(json.dumps(report, indent=2) + "\n")
            self.stdout.write(f"Figures written to {json_path}.")

    def _report(self, rows: int, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
        for name, result in results.items():
            floor = results.get(_floor_of(name), {}).get("rows_per_second")
            ratio = result["rows_per_second"] / floor if floor else None
            result["ratio_to_floor"] = None if ratio is None else round(ratio, 2)
            drf = results.get("xlsx_drf", {}).get("rows_per_second")
            if name.startswith("xlsx_") and drf:
                result["ratio_to_drf_excel"] = round(result["rows_per_second"] / drf, 2)
            bare = results.get("copy_floor", {}).get("rows_per_second")
            if not name.startswith("xlsx_") and bare:
                result["ratio_to_bare_copy"] = round(result["rows_per_second"] / bare, 2)
        return {
            "rows": rows,
            "database": connection.vendor,
            "target_ratio_to_floor": TARGET_RATIO,
            "xlsx_target_ratio_to_floor": XLSX_TARGET_RATIO,
            "xlsx_target_ratio_to_drf_excel": XLSX_TARGET_OVER_DRF,
            "copy_target_ratio_to_floor": COPY_TARGET_RATIO,
            "copy_target_ratio_to_bare_copy": COPY_TARGET_TO_BARE,
            "streaming_and_s3_same_bytes": _same(results, "streaming", "s3"),
            "copy_and_python_same_bytes": _same(results, "streaming", "copy_streaming", "copy_s3"),
            "xlsx_streaming_and_s3_same_sheet": _same(results, "xlsx_streaming", "xlsx_s3"),
            "methods": results,
        }

    def _table(self, report: dict[str, Any]) -> str:
        lines = [
            f"{report['rows']:,} rows on {report['database']}",
            f"{'method':<14} {'rows/s':>10} {'seconds':>8} {'peak MB':>8} {'x floor':>8} "
            f"{'x COPY':>7} {'x drf-excel':>11}",
        ]
        for name, result in report["methods"].items():
            ratio, over_drf = result["ratio_to_floor"], result.get("ratio_to_drf_excel")
            to_copy = result.get("ratio_to_bare_copy")
            lines.append(
                f"{name:<14} {result['rows_per_second']:>10,} {result['seconds']:>8.2f} "
                f"{result['peak_rss_mb']:>8.1f} {_ratio(ratio):>8} {_ratio(to_copy):>7} "
                f"{_ratio(over_drf):>11}"
            )
        lines += [
            f"{name} wrote by {result['path']}"
            for name, result in report["methods"].items()
            if "path" in result
        ]
        for key, text in (
            ("streaming_and_s3_same_bytes", "streaming and S3 files are the same bytes"),
            ("copy_and_python_same_bytes", "COPY and Python files are the same bytes"),
            ("xlsx_streaming_and_s3_same_sheet", "XLSX streaming and S3 files hold the same sheet"),
        ):
            if report[key] is not None:
                lines.append(f"{text}: {'yes' if report[key] else 'NO'}")
        return "\n".join(lines)


def _floor_of(name: str) -> str:
    return "xlsx_floor" if name.startswith("xlsx_") else "floor"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _same(results: dict[str, dict[str, Any]], *names: str) -> bool | None:
    """Whether the files of `names` are the same bytes; None unless two of them ran."""
    ran = [results[name]["sha256"] for name in names if name in results]
    return len(set(ran)) == 1 if len(ran) >= 2 else None
