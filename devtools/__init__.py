"""Development support shared by ``tests/`` and ``benchmarks/``, which never import each other:
the app's processes as a deployment starts them (``servers``), Dash callback requests over
HTTP (``dash_http``), headless Chromium (``chromium``) and synthetic customer tables of any
size (``synthetic``). Not part of the installed package.
"""
