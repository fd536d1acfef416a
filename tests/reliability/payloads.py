"""Hostile text used by the injection tests, in the Python checks and in the browser."""

from dashboard.storage.personas import MAX_PERSONA_TEXT

SCRIPT = "<script>window.__xss=1</script>"
IMAGE = '<img src=x onerror="window.__xss=1">'
LINK = "[special offer](javascript:window.__xss=1)"
SQL = "'; DROP TABLE persona_sets; --"
FORMULA = '=HYPERLINK("http://evil.example","click")'
# the longest description a persona may hold
LONG = ("Very long persona text. " * 300)[: MAX_PERSONA_TEXT - 3] + "end"

# CSV injection: each hostile customer name and what a spreadsheet must be given instead
HOSTILE_HEADER = "=cmd|' /C calc'!A0"
INERT_NAMES = {
    '=HYPERLINK("http://x","click")': '\'=HYPERLINK("http://x","click")',
    "+1": "'+1",
    "-2": "'-2",
    "@SUM(A1:A9)": "'@SUM(A1:A9)",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "Plain name": "Plain name",
    "a=b": "a=b",
}
