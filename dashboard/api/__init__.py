"""The JSON API under ``/api``: the persona sets (``persona_sets``), customer-table uploads
(``datasets``) and the blueprint and JSON error answers they share (``errors``)."""
