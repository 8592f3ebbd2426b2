"""The Pix profile as a picture: the 16 competences as slices of a disc, grouped by area.

Each competence is one slice; its coloured part reaches further out the higher its level (0 to
7), in its area's colour, and an outer ring names the five areas. The geometry is computed here
and drawn as inline SVG by the template (no script, nothing fetched). The picture is decorative
for a screen reader beside a table holding the same levels in text: the template gives it a
short title and points to the table.
"""

import math
from dataclasses import dataclass

from engine.referential import AREAS, COMPETENCES

MAX_LEVEL = 7
CENTRE = 160.0
INNER = 34.0
OUTER = 126.0
RING = 148.0
# Darker than Pix's own tints, so that every slice stands out 3:1 against white (RGAA 3.3).
AREA_COLOURS = {"1": "#a35200", "2": "#2450d6", "3": "#1e7a4c", "4": "#c4185f", "5": "#4b4f9a"}
TRACK = "#e6e6e6"
GAP_DEGREES = 1.2


@dataclass(frozen=True)
class Slice:
    code: str
    area_code: str
    level: int
    track: str  # the path of the slice's full extent (grey)
    filled: str  # the path of its level (area colour), "" at level 0
    colour: str
    label_x: float
    label_y: float

    @property
    def label_on_colour(self) -> bool:
        """The level figure sits on the coloured part (white text) rather than on grey."""
        return self.level >= MAX_LEVEL / 2


@dataclass(frozen=True)
class AreaArc:
    code: str
    path: str
    colour: str


def _point(radius: float, degrees: float) -> tuple[float, float]:
    angle = math.radians(degrees - 90)
    return CENTRE + radius * math.cos(angle), CENTRE + radius * math.sin(angle)


def _sector(inner: float, outer: float, start: float, end: float) -> str:
    (x1, y1), (x2, y2) = _point(outer, start), _point(outer, end)
    (x3, y3), (x4, y4) = _point(inner, end), _point(inner, start)
    large = 1 if end - start > 180 else 0
    return (
        f"M{x1:.2f},{y1:.2f} A{outer},{outer} 0 {large} 1 {x2:.2f},{y2:.2f} "
        f"L{x3:.2f},{y3:.2f} A{inner},{inner} 0 {large} 0 {x4:.2f},{y4:.2f} Z"
    )


def profile_picture(levels: dict[str, int | None]) -> tuple[list[Slice], list[AreaArc]]:
    """The slices (one per competence, in referential order) and the five area arcs."""
    step = 360 / len(COMPETENCES)
    slices = []
    for index, competence in enumerate(COMPETENCES):
        start, end = index * step + GAP_DEGREES / 2, (index + 1) * step - GAP_DEGREES / 2
        level = max(0, min(MAX_LEVEL, int(levels.get(competence.code) or 0)))
        reach = INNER + (OUTER - INNER) * level / MAX_LEVEL
        label_x, label_y = _point((INNER + OUTER) / 2, (start + end) / 2)
        slices.append(
            Slice(
                competence.code,
                competence.area_code,
                level,
                _sector(INNER, OUTER, start, end),
                _sector(INNER, reach, start, end) if level else "",
                AREA_COLOURS[competence.area_code],
                round(label_x, 2),
                round(label_y, 2),
            )
        )
    arcs = []
    for area in AREAS:
        indices = [i for i, c in enumerate(COMPETENCES) if c.area_code == area.code]
        start = indices[0] * step + GAP_DEGREES / 2
        end = (indices[-1] + 1) * step - GAP_DEGREES / 2
        arcs.append(
            AreaArc(area.code, _sector(OUTER + 6, RING, start, end), AREA_COLOURS[area.code])
        )
    return slices, arcs
