from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from .models import Country, Organization


def health_status() -> dict:
    """Database and broker reachability, for /healthz."""
    status: dict = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = "ok"
    except Exception as exc:
        status["database"] = f"error: {exc.__class__.__name__}"
    if not settings.REDIS_URL:
        status["broker"] = "not configured (tasks run in-process)"
    else:
        import redis

        try:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
            )
            client.ping()
            status["broker"] = "ok"
        except redis.RedisError as exc:
            status["broker"] = f"error: {exc.__class__.__name__}"
    status["healthy"] = all(
        not str(value).startswith("error") for value in status.values()
    )
    return status


def _choices(objects) -> list[dict]:
    return [{"value": o.pk, "text": str(o)} for o in objects]


def organizations_matching(query: str, *, limit: int = 20) -> list[dict]:
    """Organisations whose English or Chinese name contains ``query``."""
    query = query.strip()
    if not query:
        return []
    found = Organization.objects.filter(
        Q(name_en__icontains=query) | Q(name_zh__icontains=query)
    ).order_by("name_en")[:limit]
    return _choices(found)


def countries_matching(query: str, *, limit: int = 20) -> list[dict]:
    """Countries whose name contains ``query`` or whose ISO code is ``query``."""
    query = query.strip()
    if not query:
        return []
    found = Country.objects.filter(
        Q(name_en__icontains=query)
        | Q(name_zh__icontains=query)
        | Q(code__iexact=query)
    ).order_by("name_en")[:limit]
    return _choices(found)


def desk_people(desks) -> QuerySet:
    """Members and chiefs of the given desks (a queryset or ids), by name:
    who a record of those desks can be assigned to."""
    from .models import User

    return (
        User.objects.filter(Q(desks__in=desks) | Q(desks_led__in=desks))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
