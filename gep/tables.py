"""Input-file guards shared by the dataset loader and dashboard uploads (issue 16).

* :func:`decode_text` — declared encodings only (UTF-8, GB18030); a file that does not decode
  cleanly is refused, never guessed. Without a declaration, UTF-8 is tried first; GB18030 is
  accepted only when the decoded text looks like simplified Chinese (every CJK ideograph in
  GB2312, no kana/bopomofo/half-width forms) — bytes of another encoding (a Big5
  ``regions.csv`` turns 漢濱區 into 簙镭跋 when read as GB18030) are refused with a note that
  ``encoding: gb18030`` in ``dataset.yaml`` forces GB18030 if the file really is GB18030.
* :func:`check_xlsx` — size, entry count, total uncompressed size and compression ratio of an
  XLSX (a zip) checked *before* openpyxl reads it, so a 1 MiB zip bomb is refused.
* :func:`check_dataset_meta` — ``dataset.yaml`` values in range (``base_year: abc`` or 1800).
"""

from __future__ import annotations

import io
import zipfile

from .errors import InputError, Problem

ENCODINGS = ("utf-8", "gb18030")
MAX_TABLE_BYTES = 512 * 1024 * 1024
MAX_XLSX_BYTES = 64 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_XLSX_ENTRIES = 2000
YEAR_MIN, YEAR_MAX = 1949, 2100

_SUSPICIOUS = (
    ("\u3040", "\u30ff"),  # hiragana, katakana
    ("\u3100", "\u312f"),  # bopomofo
    ("\u31a0", "\u31bf"),  # bopomofo extended
    ("\uff61", "\uffef"),  # half-width forms
    ("\ue000", "\uf8ff"),  # private use
)


def _cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def _looks_simplified_chinese(text: str) -> str | None:
    """``None`` when GB18030-decoded ``text`` is plausible; else a sample of odd characters."""
    odd: list[str] = []
    for c in set(text):
        if c.isascii():
            continue
        if any(lo <= c <= hi for lo, hi in _SUSPICIOUS):
            odd.append(c)
        elif _cjk(c):
            try:
                c.encode("gb2312")
            except UnicodeEncodeError:
                odd.append(c)
    return "".join(sorted(odd)[:12]) or None


def decode_text(raw: bytes, name: str, encoding: str | None = None) -> str:
    """Text of a CSV/TXT file, decoded strictly.

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    name : str
        File name for messages.
    encoding : {"utf-8", "gb18030"}, optional
        Declared encoding (``dataset.yaml`` key ``encoding``); decoded strictly, no guessing.
    """
    if len(raw) > MAX_TABLE_BYTES:
        raise InputError(Problem(name, f"file is larger than {MAX_TABLE_BYTES:,} bytes / 文件过大"))
    if b"\x00" in raw[:65536]:
        raise InputError(Problem(name, "binary content (NUL bytes); expected CSV text / 不是文本"))
    if encoding is not None:
        enc = str(encoding).lower().replace("_", "-")
        if enc in ("utf8", "utf-8-sig"):
            enc = "utf-8"
        if enc not in ENCODINGS:
            raise InputError(
                Problem(name, f"encoding {encoding!r} is not supported (use utf-8 or gb18030)")
            )
        try:
            return raw.decode("utf-8-sig" if enc == "utf-8" else enc)
        except UnicodeDecodeError as exc:
            raise InputError(
                Problem(
                    name,
                    f"not valid {enc} text (byte {exc.start}); the declared encoding is {enc} "
                    f"/ 文件不是声明的 {enc} 编码",
                )
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(
            Problem(
                name,
                f"cannot decode the file as UTF-8 (byte {utf8_error}) or GB18030 text; save it "
                "as UTF-8 / 无法按 UTF-8 或 GB18030 解码，请另存为 UTF-8",
            )
        ) from None
    odd = _looks_simplified_chinese(text)
    if odd is not None:
        raise InputError(
            Problem(
                name,
                f"not UTF-8, and read as GB18030 it gives unusual characters ({odd}): the file "
                "is probably in another encoding (Big5?). Save it as UTF-8, or add "
                "'encoding: gb18030' to dataset.yaml if it really is GB18030 "
                "/ 编码不明（可能是 Big5），请另存为 UTF-8",
            )
        )
    return text


def check_xlsx(raw: bytes, name: str) -> None:
    """Refuse an XLSX that is too large or decompresses suspiciously (before openpyxl)."""
    if len(raw) > MAX_XLSX_BYTES:
        raise InputError(Problem(name, f"file is larger than {MAX_XLSX_BYTES:,} bytes / 文件过大"))
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(Problem(name, "not an Excel .xlsx file (not a zip archive)")) from None
    if len(infos) > MAX_XLSX_ENTRIES:
        raise InputError(Problem(name, f"more than {MAX_XLSX_ENTRIES} parts in the workbook"))
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > MAX_XLSX_RATIO:
            raise InputError(
                Problem(
                    name,
                    f"part {info.filename!r} expands {ratio:,.0f}× (limit {MAX_XLSX_RATIO}×): "
                    "refused as a possible zip bomb / 压缩比异常，拒绝读取",
                )
            )
    if total > MAX_XLSX_UNCOMPRESSED:
        raise InputError(
            Problem(
                name,
                f"workbook expands to {total:,} bytes (limit {MAX_XLSX_UNCOMPRESSED:,}) / 解压后过"
                "大",
            )
        )


def check_year(value: object, where: str, field: str) -> int:
    """An int year within :data:`YEAR_MIN`–:data:`YEAR_MAX`, or an ``InputError``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(Problem(where, f"{value!r} is not a year", field=field))
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise InputError(
            Problem(where, f"year {value} is outside {YEAR_MIN}–{YEAR_MAX}", field=field)
        )
    return value


def check_dataset_meta(meta: dict, where: str) -> None:
    """Refuse out-of-range ``dataset.yaml`` values; every problem in one error."""
    problems: list[Problem] = []
    years = meta.get("years")
    for key in ("base_year",):
        if key in meta:
            try:
                check_year(meta[key], where, key)
            except InputError as exc:
                problems += exc.problems
    if isinstance(years, list):
        for y in years:
            try:
                check_year(y, where, "years")
            except InputError as exc:
                problems += exc.problems
        if len(set(years)) != len(years):
            problems.append(Problem(where, "'years' lists a year twice", field="years"))
    enc = meta.get("encoding")
    if enc is not None and str(enc).lower().replace("_", "-") not in (*ENCODINGS, "utf8"):
        problems.append(
            Problem(
                where, f"encoding {enc!r} is not supported (utf-8 or gb18030)", field="encoding"
            )
        )
    for key in ("name", "coefficients", "profile"):
        if key in meta and not isinstance(meta[key], str):
            problems.append(Problem(where, f"'{key}' must be text", field=key))
    if problems:
        raise InputError(problems)
