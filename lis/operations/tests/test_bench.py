"""The benchmark's driftinformation (bench/gen_operations.py) on a small synthetic kommun: it
loads, and every page in its PAGES answers the bench personas as expected."""

from __future__ import annotations

import pytest
from django.test import Client

from bench import generate
from bench.gen_operations import PAGES, step_operations
from lis.core.models import User
from lis.operations.models import NoticeRecipient, ServiceNotice


@pytest.mark.django_db(transaction=False)
def test_it_generates_notices_and_serves_the_bench_pages():
    steps = [step for step in generate.STEPS if step[0] != "changelog"]
    steps += [("operations", step_operations)] + [step for step in generate.STEPS if step[0] == "changelog"]
    summary = generate.generate(units=5, people=300, systems=40, changelog=50, steps=steps, verify=False)
    assert ServiceNotice.objects.count() >= 200
    assert NoticeRecipient.objects.exists()
    assert {"notice", "operations_feed", "system"} <= set(summary.targets)
    for username in ("bench-strateg", "bench-chef"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for page in PAGES:
            response = client.get(page.url(summary.targets))
            assert response.status_code == 200, (username, page.label(summary.targets))
            assert response["Content-Type"].startswith(page.content_type)
