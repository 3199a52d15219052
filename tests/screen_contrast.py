"""How readable the text on screen is: the WCAG contrast of each cell's colours, as the
terminal is sent them (after Textual's filters, NO_COLOR's grey among them)."""

from __future__ import annotations

from rich.color import Color, ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.app import App

# What a terminal shows for a cell that names no colour.
DEFAULT_FOREGROUND = (229, 229, 229)
DEFAULT_BACKGROUND = (0, 0, 0)
# WCAG AA for text.
READABLE = 4.5


def _rgb(
    color: Color | None, default: tuple[int, int, int], eight_bit: bool
) -> tuple[int, int, int]:
    if color is None or color.is_default:
        return default
    if eight_bit:
        color = color.downgrade(ColorSystem.EIGHT_BIT)
    triplet = color.get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def _luminance(rgb: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def colours(
    style: Style | None, *, eight_bit: bool = False
) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The foreground and the background a cell is drawn in: as sent, or as a 256-colour
    terminal shows them (`eight_bit`), each colour the nearest of its palette."""
    style = style or Style()
    foreground = _rgb(style.color, DEFAULT_FOREGROUND, eight_bit)
    background = _rgb(style.bgcolor, DEFAULT_BACKGROUND, eight_bit)
    if style.reverse:
        foreground, background = background, foreground
    if style.dim:
        foreground = tuple((a + b) // 2 for a, b in zip(foreground, background, strict=True))
    return foreground, background


def contrast(style: Style | None, *, eight_bit: bool = False) -> float:
    """The WCAG contrast ratio of a cell drawn in `style` (1 to 21)."""
    foreground, background = colours(style, eight_bit=eight_bit)
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def screen_lines(app: App) -> list[list[Segment]]:
    """The top screen's lines as the terminal is sent them."""
    return [list(strip) for strip in app.screen._compositor.render_strips()]


def cells_of(app: App, text: str) -> list[Segment]:
    """The segments that draw `text` (its first appearance on screen), spaces left out."""
    for line in screen_lines(app):
        plain = "".join(segment.text for segment in line)
        start = plain.find(text)
        if start < 0:
            continue
        end = start + len(text)
        found, position = [], 0
        for segment in line:
            after = position + len(segment.text)
            if after > start and position < end and segment.text.strip():
                found.append(segment)
            position = after
        return found
    raise AssertionError(f"{text!r} is not on screen")


def least_contrast(app: App, text: str) -> float:
    """The lowest contrast among the cells that draw `text` on screen."""
    return min(contrast(segment.style) for segment in cells_of(app, text))
