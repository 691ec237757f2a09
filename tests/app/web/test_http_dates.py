"""Conditional dates Werkzeug cannot parse (app/http_dates.py): ignored, as RFC 9110 says,
wherever a conditional response is built — never a 500."""

from __future__ import annotations

import pytest

OUT_OF_RANGE = "Thu, 01 Jan 2024 99999999999999999999:00:00 GMT"


@pytest.mark.parametrize("header", ["If-Modified-Since", "If-Unmodified-Since", "If-Range"])
def test_static_files(client, header):
    first = client.get("/static/css/app.css")
    assert first.status_code == 200
    response = client.get("/static/css/app.css", headers={header: OUT_OF_RANGE})
    assert response.status_code == 200 and response.data == first.data
    valid = client.get("/static/css/app.css", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert valid.status_code == 304  # readable dates still count


def test_api_and_feeds(client, db):
    for url in ("/api/v1/public/events", "/feeds/public.ics"):
        first = client.get(url)
        assert client.get(url, headers={"If-Modified-Since": OUT_OF_RANGE}).status_code == 200
        etag_and_bad_date = client.get(url, headers={"If-Modified-Since": OUT_OF_RANGE,
                                                     "If-None-Match": first.headers["ETag"]})
        assert etag_and_bad_date.status_code == 304
