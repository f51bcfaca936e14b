"""The benchmark's reference pages: the floor (one query of its own, no template) and the
layout (the frame of every page around nothing), against which every page is measured."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_the_layout_page_is_the_frame_alone(client, msl):
    """The benchmark's second reference: the navigation and frame of every page with no read
    of its own, so that it costs what any page costs before its content."""
    client.force_login(msl)
    client.get("/bench/layout/")  # the session is read from the database once, then cached
    with CaptureQueriesContext(connection) as floor_reads:
        client.get("/bench/floor/")
    with CaptureQueriesContext(connection) as layout_reads:
        response = client.get("/bench/layout/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="main"' in page
    assert 'href="/today/"' in page  # the navigation
    # The floor's one query of its own is the only difference.
    assert len(layout_reads) == len(floor_reads) - 1


def test_the_timing_header_says_how_long_the_page_waited_on_the_database(client, msl, settings):
    settings.MIDDLEWARE = ["msl_crm.timing.ServerTimingMiddleware", *settings.MIDDLEWARE]
    client.force_login(msl)

    response = client.get("/today/")

    timing = dict(part.strip().split(";", 1) for part in response["Server-Timing"].split(","))
    page_ms = float(timing["app"].removeprefix("dur="))
    database_ms = float(timing["db"].split(";")[0].removeprefix("dur="))
    assert 0 < database_ms < page_ms
    assert timing["db"].endswith(f'desc="{response["X-Query-Count"]} queries"')
