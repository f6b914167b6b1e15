"""Every link a person is shown leads somewhere they may go (issue 9, item 10).

Each persona, and each demo login, crawls the pages reachable by links from the start page over
the demo dataset: same-origin ``<a href>``, GET only, bounded per kind of page. A link that
answers 403, 404 or 500 to the person who was shown it is a defect.
"""

from __future__ import annotations

import datetime
from collections import Counter, deque
from collections.abc import Callable
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve

from lis.conftest import PERSONA_SPECS, make_persona
from lis.core.models import User

TODAY = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
BROKEN = {403, 404, 500}
# Bounds per person: how many pages of one kind (view and tab) they open, how many of one kind
# with other query parameters (sorting, filters, pages of a list), and how many pages in all.
# A document (PDF, xlsx) of one kind is fetched once.
PER_KIND = 2
PER_KIND_WITH_QUERY = 1
MAX_PAGES = 500
DEMO_USERS = ("signalskydd", "hr", "medarbetare")


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_on(url: str, html: str) -> list[str]:
    """Same-origin paths (with query, without fragment) linked from the page at `url`."""
    parser = LinkParser()
    parser.feed(html)
    paths = []
    for href in parser.hrefs:
        absolute, _fragment = urldefrag(urljoin(f"http://testserver{url}", href))
        parts = urlsplit(absolute)
        if parts.scheme != "http" or parts.netloc != "testserver":
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def kind_of(path: str) -> tuple[str, str, tuple[str, ...]] | None:
    """Pages of one kind: the same view and tab, with the same other query parameters."""
    parts = urlsplit(path)
    if parts.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return None
    try:
        view_name = resolve(parts.path).view_name
    except Resolver404:
        view_name = f"unresolved {parts.path}"
    query = parse_qs(parts.query, keep_blank_values=True)
    tab = query.pop("flik", [""])[0]
    return (view_name, tab, tuple(sorted(query)))


def crawl(client: Client, visit: Callable[[str, HttpResponse], None] | None = None) -> tuple[list[str], int]:
    """Broken links found from the start page, and the number of pages opened; `visit` is given
    every page and document that opened (path and response)."""
    queue: deque[tuple[str, str]] = deque([("/", "")])
    seen = {"/"}
    kinds: Counter = Counter()
    documents: set = set()
    broken = []
    opened = 0
    while queue and opened < MAX_PAGES:
        path, referrer = queue.popleft()
        kind = kind_of(path)
        if kind in documents:
            continue
        response = client.get(path)
        opened += 1
        if response.status_code in BROKEN:
            broken.append(f"{path} ({response.status_code}), länkad från {referrer}")
            continue
        if visit is not None and response.status_code == 200:
            visit(path, response)
        if response.status_code in (301, 302):
            targets = [response["Location"]]
        elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            targets = links_on(path, response.content.decode())
        else:
            documents.add(kind)
            continue
        for target in targets:
            kind = kind_of(target)
            if target in seen or kind is None:
                continue
            if kinds[kind] >= (PER_KIND_WITH_QUERY if kind[2] else PER_KIND):
                continue
            seen.add(target)
            kinds[kind] += 1
            queue.append((target, path))
    return broken, opened


@pytest.fixture
def demo_data(db, amal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=False):
        call_command("load_demo", stdout=StringIO())
        yield


def as_client(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_it_shows_every_person_only_links_that_work_for_them(demo_data, amal):
    # The test personas (under their own user names: the demo has an "hr" too), the demo's
    # biträdande signalskyddschef (a role no persona has), and the demo's HR and medarbetare, who
    # are named on the demo's records.
    users = [make_persona(amal, f"persona_{key}", **spec).user for key, spec in PERSONA_SPECS.items()]
    users += [User.objects.get(username=username) for username in DEMO_USERS]
    problems = []
    for user in users:
        broken, opened = crawl(as_client(user))
        assert opened > 1, f"{user.username} når inga sidor från startsidan"
        problems += [f"{user.username}: {line}" for line in broken]
    assert not problems, "Länkar som inte fungerar för den som ser dem:\n" + "\n".join(problems)
