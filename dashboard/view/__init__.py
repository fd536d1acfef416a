"""The view and the address bar: one home for what the view holds, how it is checked, and how
it and each page's settings read and write a URL.

=================  ============================================================================
``state``          ``View`` (table, features, scaling, one-hot column), the view a tab starts
                   on, ``check_view`` (against the table) and ``view_problem`` (a linked view)
``url``            query strings as Dash passes them; the view's keys and back
``url_settings``   a page's settings in its URL: ``Field``s, ``page_link``, ``page_state``
``result_links``   URLs naming a result (method and parameters), from one page to another
``address``        what the address bar should say for what is shown (push or replace)
``address_bar``    the shell's callbacks; pages register their ``named_settings`` by path
=================  ============================================================================

Nothing here imports ``dashboard.pages``: the pages import this package, and the app hands
the pages to the shell.
"""
