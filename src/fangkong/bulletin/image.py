"""The bulletin as one tall PNG for sharing on phones (a WeChat moment, a community group):
title, date, the headline figures as big numbers, and the text, wrapped.

Drawn with Pillow in the bulletin's own language, 1080 px wide (a phone screen at 3x).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from fangkong.bulletin import text as bulletin_text
from fangkong.bulletin.figures import HEADLINE
from fangkong.bulletin.fonts import cjk_font, script_of
from fangkong.bulletin.models import Bulletin

WIDTH = 1080
MARGIN = 64
RED = (179, 38, 30)
INK = (33, 37, 41)
GREY = (108, 117, 125)
CARD = (248, 240, 239)
WHITE = (255, 255, 255)

# A Latin word, a number or a run of spaces stays whole; every other character is its own
# token, so that Chinese breaks between any two characters.
TOKENS = re.compile(r"[A-Za-z0-9%'’.,:;()/\-]+ ?|\s+|.", re.S)
# Not at the start of a line (the Chinese typesetting rule): kept on the line before.
NO_LINE_START = set("，。、；：？！）》」』”’%,.;:?!)")

Font = ImageFont.FreeTypeFont


def _font(script: str, size: int, bold: bool = False) -> Font:
    path, index = cjk_font(script, bold)
    return ImageFont.truetype(path, size, index=index)


def wrap(text: str, font: Font, width: int) -> list[str]:
    """``text`` in lines no wider than ``width`` (closing punctuation may hang over)."""

    def fits(line: str) -> bool:
        return font.getlength(line.rstrip()) <= width

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in TOKENS.findall(paragraph):
            if fits(line + token) or (token[0] in NO_LINE_START and line.strip()):
                line += token
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = token.lstrip()
            while not fits(line) and len(line) > 1:
                # One token wider than a line (a long number): cut it where it overflows.
                cut = max([n for n in range(1, len(line)) if fits(line[:n])] or [1])
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


@dataclass
class Block:
    lines: list[str]
    font: Font
    leading: int  # pixels from one line's top to the next one's

    @property
    def height(self) -> int:
        return self.leading * len(self.lines)


def _draw_block(draw: ImageDraw.ImageDraw, block: Block, x: int, y: int, fill: tuple) -> int:
    for line in block.lines:
        draw.text((x, y), line, font=block.font, fill=fill)
        y += block.leading
    return y


def bulletin_png(bulletin: Bulletin) -> bytes:
    with translation.override(bulletin.language):
        return _render(bulletin)


def _render(bulletin: Bulletin) -> bytes:
    script = script_of(bulletin.language)
    inner = WIDTH - 2 * MARGIN
    title = Block(wrap(bulletin.title, _font(script, 54, True), inner), _font(script, 54, True), 74)
    subtitle_text = bulletin_text.published_line(bulletin)
    subtitle = Block([subtitle_text], _font(script, 30), 44)
    body_font = _font(script, 34)
    body = [Block(wrap(p, body_font, inner), body_font, 58) for p in bulletin.text.split("\n\n")]
    footer_text = _("%(unit)s · counts only, no personal data") % {"unit": bulletin.unit.name}
    footer = Block(wrap(footer_text, _font(script, 26), inner), _font(script, 26), 40)
    rows = bulletin_text.figure_rows(bulletin.figures, HEADLINE)
    card_w = (inner - 24) // 2
    number_font, label_font = _font(script, 92, True), _font(script, 28)
    labels = [wrap(label, label_font, card_w - 56)[:2] for label, _n in rows]
    card_h, gap = 150 + 36 * max(len(lines) for lines in labels), 24
    header_h = MARGIN + title.height + 12 + subtitle.height + MARGIN // 2
    cards_h = 2 * card_h + gap
    body_h = sum(b.height for b in body) + 28 * (len(body) - 1)
    height = header_h + MARGIN + cards_h + MARGIN + body_h + MARGIN + footer.height + MARGIN

    image = Image.new("RGB", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, header_h), fill=RED)
    y = _draw_block(draw, title, MARGIN, MARGIN, WHITE) + 12
    _draw_block(draw, subtitle, MARGIN, y, WHITE)

    y = header_h + MARGIN
    for n, ((_label, count), lines) in enumerate(zip(rows, labels, strict=True)):
        x = MARGIN + (n % 2) * (card_w + gap)
        top = y + (n // 2) * (card_h + gap)
        draw.rounded_rectangle((x, top, x + card_w, top + card_h), radius=18, fill=CARD)
        draw.text((x + 28, top + 18), f"{count:,}", font=number_font, fill=RED)
        for i, line in enumerate(lines):
            draw.text((x + 28, top + 128 + i * 36), line, font=label_font, fill=GREY)
    y += cards_h + MARGIN
    for block in body:
        y = _draw_block(draw, block, MARGIN, y, INK) + 28
    y += MARGIN - 28
    draw.line((MARGIN, y - MARGIN // 2, WIDTH - MARGIN, y - MARGIN // 2), fill=CARD, width=3)
    _draw_block(draw, footer, MARGIN, y, GREY)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
