from __future__ import annotations

from django.core.management import call_command

from procurement.demo import LICHFIELD_TITLE, PUBLISHED_TITLE
from procurement.models import Tender


def test_demo_publishes_an_opportunity_and_is_idempotent(db, client):
    call_command("load_demo", verbosity=0)
    counts = Tender.objects.count()
    call_command("load_demo", verbosity=0)
    assert Tender.objects.count() == counts >= 2
    published = Tender.objects.get(title=PUBLISHED_TITLE)
    assert published.status == "published" and published.method.status == "approved"
    lichfield = Tender.objects.get(title=LICHFIELD_TITLE)
    assert lichfield.estimated_annual_value == 43750
    assert lichfield.method.status == "submitted"  # the Lichfield board approves it
    page = client.get("/opportunities/").content.decode()
    assert "Volunteering and community capacity" in page
    assert "Older people" not in page
