"""Segmenta's benchmarks: ``make bench`` (``python -m benchmarks``) writes ``results.md``.

Each module listed in ``benchmarks.__main__.MODULES`` measures one thing and returns a
``Section`` (see ``benchmarks.harness``); the runner puts them together with the machine's
description, so adding a benchmark is one module and one line.
"""
