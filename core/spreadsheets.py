"""Values leaving Valiza for a spreadsheet (XLSX, CSV): one rule against formula injection.

A cell that begins with = + - @ (or a tab, carriage return or line feed, which some programs skip
before reading the rest as a formula) is run by Excel or LibreOffice as a formula when the file is
opened: a name typed as `=HYPERLINK("http://…")` would become a link that sends data away. Such text
gets a leading apostrophe, so it shows as typed and is never run. Numbers and dates are left alone:
they are not text, so a negative fee stays a number.
"""

import datetime
import decimal
import re
import zipfile

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """`value` as a spreadsheet may hold it safely: text that could start a formula is neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# ---------------------------------------------------------------------------------------------------------
# Fast XLSX rows. openpyxl builds a Cell object and an lxml element per cell even in write-only mode, which
# is ~15 µs a cell: 40 s for the 2.6 million cells of a large city's year (docs/benchmarks/bench_reports.txt).
# openpyxl still writes the package (styles, workbook, the sheet's head and its first rows); the many rows of
# data are then written as XML text into its sheet part by `write_rows_into`. Each cell is the XML openpyxl
# writes for the same value (same types, style ids, number text, inline strings), so the file reads the same.

_ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_EPOCH = datetime.datetime(1899, 12, 30)


class IllegalCharacterError(ValueError):
    """A text holds a control character a spreadsheet cannot hold (openpyxl refuses it the same way)."""


def excel_serial(value):
    """A date or naive datetime as Excel's serial number, exactly as openpyxl.utils.datetime.to_excel."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    days = (value - _EPOCH).days
    if 0 < days <= 60:
        days -= 1
    return days + (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10**6) / 86400


def _escape(value):
    # What lxml escapes in text: & < > and the carriage return. str.replace is quicker than translate.
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def _text_cell(ref, value):
    if len(value) > 32767:
        value = value[:32767]
    if _ILLEGAL.search(value):
        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    if value in _ERROR_CODES:
        return f'<c r="{ref}" t="e"><v>{value}</v></c>'
    if not value:
        return f'<c r="{ref}" t="inlineStr"></c>'
    space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'


def row_xml(number, values, styles):
    """The <row> element of sheet row `number` holding `values` (str, int, Decimal, float, date, datetime
    or None), one a column from A. `styles` maps a column index to the style id of its (date) cells."""
    parts = [f'<row r="{number}">']
    for index, value in enumerate(values):
        ref = f"{_LETTERS[index]}{number}"
        kind = type(value)
        if kind is str:
            parts.append(_text_cell(ref, value))
            continue
        style = styles.get(index)
        if value is None:
            if style is not None:
                parts.append(f'<c r="{ref}" s="{style}" t="n"></c>')
        elif isinstance(value, str):
            parts.append(_text_cell(ref, str(value)))
        elif isinstance(value, datetime.date):
            if style is None:
                raise ValueError(f"column {index} holds a date but has no date style")
            parts.append(f'<c r="{ref}" s="{style}" t="n"><v>{"%.16g" % excel_serial(value)}</v></c>')
        elif isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
            s = f' s="{style}"' if style is not None else ""
            parts.append(f'<c r="{ref}"{s} t="n"><v>{"%.16g" % value}</v></c>')
        else:
            raise ValueError(f"Cannot write {value!r} to a spreadsheet")
    parts.append("</row>")
    return "".join(parts)


_LETTERS = [chr(ord("A") + i) for i in range(26)]


def write_rows_into(package, out, sheet_path, lines, *, compresslevel=1):
    """Copy the XLSX `package` (a path or binary file openpyxl saved) to `out` (a path or binary file),
    inserting the text `lines` (row_xml strings, streamed) at the end of the sheet part's <sheetData>."""
    with (
        zipfile.ZipFile(package) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename != sheet_path:
                target.writestr(info, data)
                continue
            head, sep, tail = data.partition(b"</sheetData>")
            if not sep:
                head, sep, tail = data.partition(b"<sheetData/>")
                head, tail = head + b"<sheetData>", b"</sheetData>" + tail
            else:
                tail = sep + tail
            with target.open(info.filename, "w") as sheet:
                sheet.write(head)
                chunk = []
                for line in lines:
                    chunk.append(line)
                    if len(chunk) == 500:
                        sheet.write("".join(chunk).encode())
                        chunk = []
                sheet.write("".join(chunk).encode())
                sheet.write(tail)
