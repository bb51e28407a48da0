import pytest


@pytest.mark.django_db
def test_it_reports_healthy_in_embedded_mode(anon_client, settings):
    settings.REDIS_URL = ""
    response = anon_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("not configured")
    assert body["healthy"] is True


@pytest.mark.django_db
def test_it_answers_503_when_the_configured_broker_is_unreachable(
    anon_client, settings
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = anon_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_unreachable(anon_client, monkeypatch):
    from django.db import OperationalError, connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = anon_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"


@pytest.mark.redis
@pytest.mark.django_db
def test_it_reports_a_reachable_broker(anon_client, settings):
    import os

    settings.REDIS_URL = os.environ["TEST_REDIS_URL"]
    response = anon_client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"
