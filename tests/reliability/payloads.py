"""Hostile text used by the injection tests, in the Python checks and in the browser."""

SCRIPT = "<script>window.__xss=1</script>"
IMAGE = '<img src=x onerror="window.__xss=1">'
LINK = "[special offer](javascript:window.__xss=1)"
SQL = "'; DROP TABLE persona_sets; --"
FORMULA = '=HYPERLINK("http://evil.example","click")'
LONG = ("Very long persona text. " * 417)[:9997] + "end"  # 10 000 characters
