"""Public API: public events (filters, cursor, ETag) and headline figures; no token needed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.models import EventStatus, EventType
from tests.support.api import assert_problem, error_fields

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def public_events(create_event):
    return [
        create_event(
            title=f"Conférence {i}",
            type=EventType.CONFERENCE,
            is_public=True,
            start_at=START + timedelta(days=i),
            departement="69" if i % 2 else "75",
        )
        for i in range(5)
    ]


def test_lists_public_published_events_only(client, create_event, public_events):
    create_event(title="Intervention privée", is_public=False)
    create_event(title="Brouillon public", is_public=True, status=EventStatus.DRAFT)
    response = client.get("/api/v1/public/events")
    assert response.status_code == 200
    body = response.get_json()
    assert [e["title"] for e in body["items"]] == [f"Conférence {i}" for i in range(5)]
    assert body["next_cursor"] is None
    first = body["items"][0]
    assert first["start_at"] == "2027-03-16T09:00:00+00:00"
    assert "online_url" not in first and "schools" not in first


def test_filters_by_type_academie_and_days(client, create_event, public_events):
    create_event(title="Table ronde", type=EventType.ROUNDTABLE, is_public=True, start_at=START)

    def titles(**query):
        return [
            e["title"] for e in client.get("/api/v1/public/events", query_string=query).get_json()["items"]
        ]

    assert titles(type="roundtable") == ["Table ronde"]
    assert titles(academie="lyon") == ["Conférence 1", "Conférence 3"]
    # Days are Paris days, both ends included.
    assert titles(type="conference", start="2027-03-17", end="2027-03-18") == ["Conférence 1", "Conférence 2"]


def test_cursor_walks_every_event_once_even_when_one_is_added(client, create_event, public_events):
    page = client.get("/api/v1/public/events?limit=2").get_json()
    seen = [e["id"] for e in page["items"]]
    create_event(title="Plus tôt", is_public=True, start_at=START - timedelta(days=1))  # before the cursor
    while page["next_cursor"]:
        response = client.get(
            "/api/v1/public/events", query_string={"limit": 2, "cursor": page["next_cursor"]}
        )
        assert 'rel="next"' in response.headers.get("Link", "") or response.get_json()["next_cursor"] is None
        page = response.get_json()
        seen += [e["id"] for e in page["items"]]
    assert seen == [e.id for e in public_events]


def test_bad_cursor_and_bad_filters_are_422_with_fields(client):
    body = assert_problem(client.get("/api/v1/public/events?cursor=nonsense"), 422, "invalid_cursor")
    assert "cursor" in error_fields(body)
    body = assert_problem(
        client.get("/api/v1/public/events?type=party&academie=atlantis&start=2027-13-01"), 422
    )
    assert {"type", "academie", "start"} <= set(error_fields(body))
    assert all(e["in"] == "query" for e in body["errors"])
    body = assert_problem(client.get("/api/v1/public/events?start=2027-03-10&end=2027-03-01"), 422)
    assert "end" in error_fields(body)


def test_etag_and_not_modified(client, public_events):
    response = client.get(f"/api/v1/public/events/{public_events[0].id}")
    assert response.status_code == 200 and response.headers["ETag"]
    again = client.get(
        f"/api/v1/public/events/{public_events[0].id}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == response.headers["ETag"]


def test_private_event_is_404_problem(client, create_event):
    private = create_event(is_public=False)
    assert_problem(client.get(f"/api/v1/public/events/{private.id}"), 404, "not_found")
    assert_problem(client.get("/api/v1/public/events/999999"), 404)


def test_headline_statistics(client):
    response = client.get("/api/v1/public/statistics?start=2026-09-01&end=2027-08-31")
    assert response.status_code == 200
    body = response.get_json()
    assert body["period"] == {"start": "2026-09-01", "end": "2027-08-31"}
    assert set(body["reach"]) >= {"events", "pupils", "girls"}
    assert_problem(client.get("/api/v1/public/statistics?start=2020-09-01&end=2027-08-31"), 422)
