"""What the pages, the API and the CLI work with beneath the web layer: the stores and caches
one app instance holds (``container``), the analysis of a view and its cached results, where
long callbacks run (``background``), the exports and their one spreadsheet writer, removing a
stored table, and the segment palette as plain data.

Kept free of imports so that reaching one module (the persona sets take only the palette) does
not load the others."""
