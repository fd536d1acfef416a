"""Hostile text used by the injection tests, in the Python checks and in the browser."""

SCRIPT = "<script>window.__xss=1</script>"
IMAGE = '<img src=x onerror="window.__xss=1">'
LINK = "[special offer](javascript:window.__xss=1)"
SQL = "'; DROP TABLE persona_sets; --"
FORMULA = '=HYPERLINK("http://evil.example","click")'
LONG = ("Very long persona text. " * 417)[:9997] + "end"  # 10 000 characters

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
