"""Excel files that hold text as text, for the page's downloads and the CLI alike.

openpyxl stores any string starting with ``=`` as a formula, so a persona or customer name
like ``=HYPERLINK(...)`` would become live in the analyst's spreadsheet. Cells are written as
the text they are.
"""

import io

import pandas as pd

EXCEL_MAX_ROWS = 1_048_575


def excel_bytes(table: pd.DataFrame, sheet: str = "Customers") -> bytes:
    if len(table) > EXCEL_MAX_ROWS:
        raise ValueError(f"{len(table):,} rows do not fit in an Excel sheet: use CSV.")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet, index=False)
        _text_not_formulas(writer.sheets[sheet])
    return buffer.getvalue()


def _text_not_formulas(worksheet) -> None:
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
