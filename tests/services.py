"""Find the PostgreSQL and Redis servers the test suite can use.

``python -m tests.services --exports`` prints shell exports for ``make test``:
DATABASE_URL (PostgreSQL when reachable, else unset for SQLite) and
TEST_REDIS_URL (for the tests that run a real Celery worker). It says on
stderr what will be skipped. With CI=true both servers are required.
"""

import argparse
import os
import shlex
import socket
import sys
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def postgres_ready(url: str) -> bool:
    if not reachable(url, 5432):
        return False
    import psycopg

    try:
        with psycopg.connect(
            url.replace("postgres://", "postgresql://", 1), connect_timeout=3
        ):
            return True
    except psycopg.Error:
        return False


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exports", action="store_true")
    parser.add_argument("--redis-only", action="store_true")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    exports = {}
    has_redis = reachable(redis_url, 6379)
    if args.redis_only:
        exports["REDIS_URL"] = redis_url if has_redis else ""
    else:
        has_pg = postgres_ready(database_url)
        if in_ci() and not (has_pg and has_redis):
            print(
                f"CI=true but PostgreSQL ({'up' if has_pg else 'DOWN'}) or Redis "
                f"({'up' if has_redis else 'DOWN'}) is not reachable.",
                file=sys.stderr,
            )
            print("exit 1")
            return 1
        exports["DATABASE_URL"] = database_url if has_pg else ""
        exports["TEST_REDIS_URL"] = redis_url if has_redis else ""
        if not has_pg:
            print(
                "PostgreSQL not reachable: running on SQLite; tests marked "
                "'postgres' will be skipped.",
                file=sys.stderr,
            )
        if not has_redis:
            print(
                "Redis not reachable: tests marked 'redis' will be skipped.",
                file=sys.stderr,
            )
    for name, value in exports.items():
        if value:
            print(f"export {name}={shlex.quote(value)}")
        else:
            print(f"unset {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
