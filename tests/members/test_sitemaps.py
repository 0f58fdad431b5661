"""The members' sitemap lists only listed, active members, in both languages."""

from types import SimpleNamespace

import pytest

from members.models import Member
from members.sitemaps import MemberSitemap

pytestmark = pytest.mark.django_db


def test_sitemap_lists_listed_active_members_in_both_languages(make_member, django_assert_max_num_queries):
    listed = make_member(name="Gelistet GmbH")
    make_member(name="Versteckt GmbH", listed=False)
    make_member(name="Ausgetreten GmbH", status=Member.Status.ENDED)
    with django_assert_max_num_queries(2):
        urls = MemberSitemap().get_urls(site=SimpleNamespace(domain="sws.example"), protocol="https")
    locations = sorted(u["location"] for u in urls)
    assert locations == [
        f"https://sws.example/en/members/{listed.slug}/",
        f"https://sws.example/mitglieder/{listed.slug}/",
    ]
    assert urls[0]["lastmod"] == listed.updated_at
