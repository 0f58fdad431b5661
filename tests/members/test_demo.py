"""The demo loader is idempotent and fills the directory across the four regions."""

import pytest

from members import demo, selectors
from members.models import Member, Region

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_covers_the_regions(client):
    demo.load()
    demo.load()
    assert Member.objects.count() == len(demo.MEMBERS)
    regions = set(Member.objects.values_list("region", flat=True))
    assert {Region.VOGTLANDKREIS, Region.ERZGEBIRGSKREIS, Region.ZWICKAU, Region.CHEMNITZ} <= regions
    assert selectors.member_count() == 47
    assert client.get("/mitglieder/?region=chemnitz").status_code == 200
