"""English beside Chinese titles: a cited Chinese title stays as written, and in the English
interface an English gloss (ours, marked as such) or the work's own English title follows it.

The glossary is data (``glosses.yaml``). A coefficient file may give its own ``title_en`` for a
source (:class:`gep.schemas.Source`); that is shown the same way.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

_FILE = Path(__file__).with_name("glosses.yaml")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MARK = {
    "gloss": "English gloss",
    "title": "English title",
    "name": "English name",
    "pinyin": "pinyin",
}


@functools.cache
def glossary() -> dict[str, tuple[str, str]]:
    """``{Chinese text: (English, kind)}``, kind ``gloss``, ``title``, ``name`` or ``pinyin``."""
    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8")) or {}
    out = {}
    for zh, spec in raw.items():
        kind = spec.get("kind", "gloss")
        if kind not in _MARK or not str(spec.get("en", "")).strip():
            raise ValueError(f"{_FILE.name}: {zh}: needs 'en' and a kind of {', '.join(_MARK)}")
        out[str(zh)] = (str(spec["en"]), kind)
    return out


@functools.cache
def _pattern() -> re.Pattern:
    keys = sorted(glossary(), key=len, reverse=True)  # longest first: 植物生态学报 > 生态学报
    return re.compile("|".join(re.escape(k) for k in keys))


def marker(english: str, kind: str = "gloss") -> str:
    """``[English gloss: …]`` / ``[English title: …]``."""
    return f"[{_MARK[kind]}: {english}]"


def glossed(text: str, lang: str = "en") -> str:
    """``text`` with each known Chinese title followed by its English (``lang`` not Chinese);
    unchanged in Chinese, and where a marker already follows."""
    if lang == "zh" or not text or not _CJK.search(text):
        return text

    def sub(m: re.Match) -> str:
        en, kind = glossary()[m.group(0)]
        rest = text[m.end() : m.end() + 16].lstrip()
        if rest.startswith(("[English ", "[pinyin:")):
            return m.group(0)
        return f"{m.group(0)} {marker(en, kind)}"

    return _pattern().sub(sub, text)


def source_title(source: dict | str | None, lang: str = "zh") -> str:
    """A coefficient source's title for ``lang``: in English, a Chinese title with its
    ``title_en`` (a gloss) or the glossary's English beside it."""
    if isinstance(source, str):
        source = {"title": source}
    source = source or {}
    title = str(source.get("title") or "")
    if lang == "zh":
        return title
    own = source.get("title_en")
    if own:
        return f"{title} {marker(str(own))}" if _CJK.search(title) else str(own)
    return glossed(title, lang)


def unglossed_chinese(text: str) -> list[str]:
    """The Chinese runs of ``text`` that no English follows (for tests and checks): glossed
    titles, and numbers with 万/亿 in a source line, are left out."""
    keys = "|".join(re.escape(k) for k in sorted(glossary(), key=len, reverse=True))
    marks = "|".join(_MARK.values())
    cleaned = re.sub(rf"(?:{keys}) \[(?:{marks}): [^\]]*\]", " ", text)
    # a Chinese term the data already follows with its English in brackets: 气候调节 (Climate
    # regulation), 栎类 (Q. acutissima, …)
    cleaned = re.sub(r"[\u3400-\u9fff]+ \((?=[^()]*[A-Za-z]{3})[ -~]+\)", " ", cleaned)
    # 万/亿 and 元 written with a number (3.48亿元, 4,627万 m³, 0.281 元/kWh) are units, as
    # the English interface names 万元/亿元 too
    cleaned = re.sub(
        r"(?<=[\d ])(?:万|亿)(?:元|吨|亩|人次)?|(?<=[\d ])元(?=[/ ,;)]|$)", " ", cleaned
    )
    return re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", cleaned)
