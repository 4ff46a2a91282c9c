"""Values leaving Valiza for a spreadsheet (XLSX, CSV): one rule against formula injection.

A cell that begins with = + - @ (or a tab, carriage return or line feed, which some programs skip
before reading the rest as a formula) is run by Excel or LibreOffice as a formula when the file is
opened: a name typed as `=HYPERLINK("http://…")` would become a link that sends data away. Such text
gets a leading apostrophe, so it shows as typed and is never run. Numbers and dates are left alone:
they are not text, so a negative fee stays a number.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """`value` as a spreadsheet may hold it safely: text that could start a formula is neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
