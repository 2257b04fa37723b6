"""Build gridcare/billing/fonts/GridcareSansSC.ttf, the font embedded in bill and receipt PDFs.

A subset of Noto Sans CJK SC Regular (SIL Open Font License 1.1; Debian's fonts-noto-cjk ships
it) to ASCII, the punctuation and signs bills use (· ¥ × — “” 《》 …), every character of the
PDF module's own strings, and the 6,763 hanzi of GB2312 so that names and addresses print; its
PostScript outlines are turned into TrueType ones, which reportlab embeds. Run once after
changing the PDFs' wording (needs fonttools: ``pip install fonttools``)::

    .venv/bin/python scripts/build_pdf_font.py [/path/to/NotoSansCJK-Regular.ttc]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET = ROOT / "gridcare/billing/fonts/GridcareSansSC.ttf"
FAMILY = "Gridcare Sans SC"  # a modified version takes its own name (OFL, condition 3)
EXTRA = "·¥×÷—–…‘’“”《》〈〉【】（）〔〕「」『』、，。：；！？％＋－／～°℃№①②③④⑤⑥⑦⑧⑨⑩　"


def gb2312() -> set[str]:
    """Every character of GB2312: the symbol rows and both levels of hanzi."""
    found = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                found.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def wanted() -> set[str]:
    chars = {chr(c) for c in range(0x20, 0x7F)} | set(EXTRA) | gb2312()
    for source in (ROOT / "gridcare/billing/pdf.py", ROOT / "gridcare/billing/demo.py"):
        chars |= set(source.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable()}


def simplified_chinese(path: Path) -> TTFont:
    """The SC face of the CJK collection (it holds JP, KR, SC, TC and HK)."""
    for font in TTCollection(str(path)).fonts:
        if "SC" in str(font["name"].getDebugName(1)):
            return font
    raise SystemExit(f"no Simplified Chinese face in {path}")


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by quadratic TrueType ones (reportlab reads only glyf)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["maxp"].tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs"):
        setattr(font["maxp"], attr, 1 if attr == "maxZones" else 0)
    for attr in ("maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(font["maxp"], attr, 0)
    font["head"].indexToLocFormat = 1
    font["post"].formatType = 3.0  # no glyph names: smaller
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    for name_id, text in ((1, FAMILY), (3, f"{FAMILY} subset"), (4, FAMILY), (6, "GridcareSansSC")):
        names.setName(text, name_id, 3, 1, 0x409)
        names.setName(text, name_id, 1, 0, 0)


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    font = simplified_chinese(source)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in wanted()])
    subsetter.subset(font)
    to_truetype(font)
    rename(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    print(f"{TARGET.relative_to(ROOT)}: {len(font.getGlyphOrder())} glyphs, {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
