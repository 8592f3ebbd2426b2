"""The documents' look: a calm public-service palette, one sans-serif family, large type."""

BLUE = "#000091"
BLUE_LIGHT = "#e3e3fd"
GREY = "#f6f6f6"
RED = "#e1000f"
INK = "#161616"
MUTED = "#5c5c5c"
RULE = "#cecece"
WHITE = "#ffffff"

BODY_POINTS = 10.5
TABLE_POINTS = 8.5
HEAD_POINTS = 8.5
H1_POINTS = 20.0
H2_POINTS = 14.0
LINE_SPACING = 1.25
"""A line's height over its font size."""

CELL_PADDING_MM = 1.5
"""Above and below a table cell's text."""
CELL_INSET_MM = 1.0
"""Left and right of a table cell's text."""
