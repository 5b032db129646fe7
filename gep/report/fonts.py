"""Finding a CJK font to embed in PDF pages and chart images.

Looked for, in order: ``$GEP_CJK_FONT`` (a .ttf/.ttc/.otf path), then the fonts of common
Debian/Ubuntu/Fedora/macOS/Windows packages (``fonts-wqy-zenhei``, ``fonts-noto-cjk``,
``fonts-wqy-microhei``, Droid Sans Fallback, PingFang, SimHei…), then any font matplotlib
knows whose name says CJK. No font → :class:`~gep.errors.InputError` with the fix.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ..errors import InputError, Problem

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)
_NAME_HINTS = (
    "wqy",
    "wenquanyi",
    "notosanscjk",
    "notoserifcjk",
    "droidsansfallback",
    "simhei",
    "msyh",
    "simsun",
    "pingfang",
    "heiti",
    "sourcehan",
)

NO_FONT = (
    "没有找到中文字体，无法生成含中文的 PDF/图片。请安装中文字体（Debian/Ubuntu："
    "apt-get install fonts-wqy-zenhei），或设置环境变量 GEP_CJK_FONT 指向 .ttf/.ttc 字体文件。"
    " / No CJK font found: install fonts-wqy-zenhei or set GEP_CJK_FONT to a .ttf/.ttc file."
)


@functools.cache
def cjk_font_path() -> Path:
    """Path of a CJK-capable TrueType font (.ttf/.ttc/.otf); InputError when there is none."""
    env = os.environ.get("GEP_CJK_FONT")
    if env:
        p = Path(env).expanduser()
        if not p.is_file():
            raise InputError(Problem("GEP_CJK_FONT", f"'{p}' 不是字体文件 / is not a font file"))
        return p
    for c in CANDIDATES:
        if Path(c).is_file():
            return Path(c)
    try:
        from matplotlib import font_manager

        for f in font_manager.findSystemFonts():
            name = Path(f).name.lower().replace("-", "").replace("_", "")
            if any(h in name for h in _NAME_HINTS):
                return Path(f)
    except Exception:  # matplotlib missing or a broken font cache: nothing more to try
        pass
    raise InputError(Problem("font", NO_FONT))


@functools.cache
def matplotlib_font_family() -> str:
    """Register the CJK font with matplotlib and return its family name."""
    import logging

    from matplotlib import font_manager

    # a CJK font usually has one weight; bold falls back to it without a warning per label
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()
