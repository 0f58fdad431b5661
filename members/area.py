"""Sections other apps add to the member area's navigation (registered from their ``AppConfig.ready()``).

The member area belongs to this app; an app that builds on members (fees: "Rechnungen") registers its page
here, so that members never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str  # the ``section`` the page passes to the area's base template, to mark it active
    label: str  # lazily translated
    url_name: str
    position: int = 50


_sections: dict[str, Section] = {}


def area_section_register(section: Section) -> None:
    """Add (or replace, on a second ``ready()``) a section of the member area's navigation."""
    _sections[section.key] = section


def area_sections() -> list[Section]:
    """Return the registered sections in their order."""
    return sorted(_sections.values(), key=lambda s: (s.position, s.key))
