"""Segmenta's computation layer: loading, preprocessing, clustering methods, diagnostics and
profiles. Pure Python and scientific libraries only, so it runs in a notebook, the CLI or a
worker process without the web app."""
