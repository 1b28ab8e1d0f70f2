"""`make demo`: bake the defaults, install, migrate, seed, and serve with embedded defaults.

No PostgreSQL, Redis or S3 needed: SQLite, a file cache, a file-system Celery broker and
moto's S3 server on localhost. With DEMO_CHECK=1 it starts everything, checks the main
pages and the export flow over HTTP, stops everything, and exits 0 or 1.

Environment: DEMO_DIR (default .demo/), DEMO_PORT (8000), DEMO_S3_PORT (5000), DEMO_CHECK.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tools.client import ApiClient, csv_rows
from tools.interpreters import DEFAULT_PYTHON_VERSION, MissingInterpreter
from tools.project import TEMPLATE_DIR, bake, ensure_project_venv
from tools.stack import Stack, StackError, port_is_free

ADMIN_USERNAME = "admin"


def prepare_project(demo_dir: Path) -> Path:
    """A fresh bake of the defaults (the previous demo's folder is replaced)."""
    project = demo_dir / "back_office"
    if project.exists():
        shutil.rmtree(project)
    return bake(demo_dir)


def manage(python: Path, project: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run([str(python), "manage.py", *args], cwd=project, env=env, check=True)


def demo_env(python: Path, s3_port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for service_url in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(service_url, None)  # the demo shows the embedded defaults
    return env


def has_example_apps(project: Path) -> bool:
    return (project / "apps" / "reward_logs").is_dir()


def check_pages(client: ApiClient) -> list[tuple[str, bool, str]]:
    results = []
    for path, expected in [
        ("/health/", 200),
        ("/admin/login/", 200),
        ("/api/docs/", 200),
        ("/api/schema/", 200),
    ]:
        response = client.get(path)
        results.append((f"GET {path}", response.status == expected, f"HTTP {response.status}"))
    return results


def check_exports(client: ApiClient) -> list[tuple[str, bool, str]]:
    """A filtered list, its streaming export, and its async export polled to completion."""
    query = "?status=paid"
    listing = client.get(f"/api/reward-logs/{query}&size=100")
    if listing.status != 200:
        return [("filtered list", False, f"HTTP {listing.status}: {listing.body[:200]!r}")]
    count = listing.json()["count"]
    results = [("filtered list", count > 0, f"{count} rows with {query}")]

    stream = client.get(f"/api/reward-logs/export/{query}")
    rows = csv_rows(stream.body)
    results.append(
        ("streaming export", stream.status == 200 and len(rows) == count + 1, f"{len(rows) - 1} rows")
    )

    started = time.monotonic()
    start = client.post(f"/api/reward-logs/export/{query}")
    if start.status != 202:
        return [*results, ("async export", False, f"HTTP {start.status}: {start.body[:200]!r}")]
    statuses = client.poll_export(start.json()["status_url"])
    final = statuses[-1]
    if final["status"] != "succeeded":
        return [*results, ("async export", False, f"ended {final['status']}: {final.get('error')}")]
    download = client.get(final["download_url"])
    same = download.status == 200 and download.body == stream.body
    elapsed = time.monotonic() - started
    detail = f"{final['row_count']} rows in {elapsed:.1f}s, {len(statuses)} polls, same bytes: {same}"
    results.append(("async export to local S3", same, detail))
    return results


def run_checks(client: ApiClient, project: Path) -> bool:
    results = check_pages(client)
    if has_example_apps(project):
        results += check_exports(client)
    for name, ok, detail in results:
        print(f"  [{'ok' if ok else 'FAILED'}] {name}: {detail}")
    return all(ok for _, ok, _ in results)


def main() -> int:
    demo_dir = Path(os.environ.get("DEMO_DIR", TEMPLATE_DIR / ".demo")).resolve()
    port = int(os.environ.get("DEMO_PORT", "8000"))
    s3_port = int(os.environ.get("DEMO_S3_PORT", "5000"))
    check_only = os.environ.get("DEMO_CHECK") == "1"
    for name, number in (("DEMO_PORT", port), ("DEMO_S3_PORT", s3_port)):
        if not port_is_free(number):
            print(f"Port {number} is in use: set {name} to a free port.", file=sys.stderr)
            return 1

    project = prepare_project(demo_dir)
    print(f"Baked the default project into {project}")
    try:
        python = ensure_project_venv(project)
    except MissingInterpreter as missing:
        print(f"The demo needs Python {DEFAULT_PYTHON_VERSION}: {missing}", file=sys.stderr)
        return 1
    env = demo_env(python, s3_port)
    password = secrets.token_urlsafe(12)
    manage(python, project, env, "migrate", "--no-input", "-v", "0")
    manage(
        python,
        project,
        {**env, "DJANGO_SUPERUSER_PASSWORD": password},
        "createsuperuser",
        "--no-input",
        "--username",
        ADMIN_USERNAME,
        "--email",
        "admin@example.com",
    )
    if has_example_apps(project):
        manage(python, project, env, "seed_demo_data", "--logs", "2000")

    base_url = f"http://127.0.0.1:{port}"
    with Stack(cwd=project, env=env, log_dir=project / ".local" / "logs") as stack:
        try:
            stack.start("s3", [str(python), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)])
            stack.wait_for_http("s3", f"http://127.0.0.1:{s3_port}/")
            manage(python, project, env, "create_export_bucket")
            stack.start("web", [str(python), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"])
            stack.start(
                "worker",
                [
                    str(python),
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--beat",
                    "--loglevel",
                    "info",
                    "--schedule",
                    ".local/celerybeat-schedule",
                ],
            )
            stack.wait_for_http("web", f"{base_url}/health/")
            stack.wait_for_log("worker", " ready.")
        except StackError as error:
            print(f"The demo did not start: {error}", file=sys.stderr)
            return 1

        print(
            f"\nThe demo is running (logs in {stack.log_dir}):\n"
            f"  admin     {base_url}/admin/   user {ADMIN_USERNAME!r}, password {password!r}\n"
            f"  API docs  {base_url}/api/docs/\n"
            f"  health    {base_url}/health/\n"
        )
        if check_only:
            ok = run_checks(ApiClient(base_url, ADMIN_USERNAME, password), project)
            print("Demo check passed." if ok else "Demo check FAILED.")
            return 0 if ok else 1
        print("Press Ctrl-C to stop.")
        # Ctrl-C or a plain `kill` both leave through the `with`, which stops every process.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            while all(p.popen.poll() is None for p in stack.processes.values()):
                time.sleep(1)
        except KeyboardInterrupt:
            print("\nStopping.")
            return 0
        print("A process stopped; see the logs above.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
