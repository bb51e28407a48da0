"""Run the production setup on one machine: gunicorn, a Celery worker and beat.

``make serve`` runs this. Each setting comes from the environment; what is
missing gets a default for this machine (PostgreSQL database ``tracker`` and
Redis on 127.0.0.1, a secret key kept in var/secret_key, plain HTTP on
loopback). More machines run the same with SERVE_BEAT=0, so exactly one beat
runs; see README.md, Deployment.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"

ACCESS_LOG_FORMAT = (
    "time=%(t)s level=INFO logger=gunicorn.access remote=%(h)s method=%(m)s "
    'path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s'
)


def local_defaults() -> dict[str, str]:
    VAR.mkdir(exist_ok=True)
    key_file = VAR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return {
        "DEBUG": "false",
        "SECRET_KEY": key_file.read_text().strip(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tracker",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DB_CONN_MAX_AGE": "60",
        # Plain HTTP on loopback; a real deployment terminates TLS in front and
        # keeps these at their secure defaults.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_HSTS_PRELOAD": "false",
    }


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist."""
    import psycopg
    from psycopg import sql

    url = url.replace("postgres://", "postgresql://", 1)
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> int:
    env = {**local_defaults(), **os.environ}
    if env["DATABASE_URL"].startswith("postgres"):
        ensure_database(env["DATABASE_URL"])
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *step], env=env, cwd=ROOT, check=True)

    bind = env.get("SERVE_BIND", "127.0.0.1:8000")
    commands = {
        "web": [
            python, "-m", "gunicorn", "tracker.wsgi",
            "--bind", bind,
            "--workers", env.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))),
            "--access-logfile", "-", "--error-logfile", "-",
            "--access-logformat", ACCESS_LOG_FORMAT,
        ],
        "worker": [
            python, "-m", "celery", "-A", "tracker", "worker",
            "--loglevel", "INFO",
            "--concurrency", env.get("WORKER_CONCURRENCY", "2"),
        ],
    }  # fmt: skip
    if env.get("SERVE_BEAT", "1") == "1":
        commands["beat"] = [
            python, "-m", "celery", "-A", "tracker", "beat", "--loglevel", "INFO",
            "--schedule", str(VAR / "celerybeat-schedule"),
        ]  # fmt: skip
    children = {
        name: subprocess.Popen(cmd, env=env, cwd=ROOT) for name, cmd in commands.items()
    }
    print(f"Serving on http://{bind}/ with {', '.join(children)}.", flush=True)

    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with {child.returncode}; stopping.", flush=True)
                exit_code = child.returncode or 1
                stopping = True
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    for child in children.values():
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
