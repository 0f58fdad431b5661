"""The admin's start page: what needs doing, per role — panels the apps register from ``AppConfig.ready()``.

Each panel names the permission it needs and returns tiles (a number, what it means, the filtered list it
links to), rows (the next events) or a bar chart, computed with a fixed number of queries whatever the data
size. The admin index shows the panels the staff member may see; infrastructure imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    url: str = ""
    note: str = ""
    tone: str = ""  # "", "warning" or "danger"


@dataclass(frozen=True)
class Row:
    label: str
    url: str = ""
    cells: tuple[str, ...] = ()
    progress: int | None = None  # percent, for a progress bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    url: str = ""


@dataclass
class Content:
    tiles: list[Tile] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    bars: list[Bar] = field(default_factory=list)
    empty: str = ""

    @property
    def bar_max(self) -> int:
        return max((b.value for b in self.bars), default=0) or 1

    @property
    def chart(self) -> list[dict]:
        """The bars laid out for an inline SVG (CSS stays in files: the CSP allows no inline style)."""
        top = self.bar_max
        return [{"bar": b, "width": round(b.value * 140 / top), "y": i * 24} for i, b in enumerate(self.bars)]

    @property
    def chart_height(self) -> int:
        return len(self.bars) * 24


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    permission: str
    build: Callable[[object], Content]
    position: int = 50


_panels: dict[str, Panel] = {}


def dashboard_register(panel: Panel) -> None:
    """Add (or replace, on a second ``ready()``) a panel of the admin's start page."""
    _panels[panel.key] = panel


def dashboard_for(user) -> list[tuple[Panel, Content]]:
    """Return the panels ``user`` may see, in their order, with their content."""
    panels = sorted(_panels.values(), key=lambda p: (p.position, p.key))
    return [(panel, panel.build(user)) for panel in panels if user.has_perm(panel.permission)]
