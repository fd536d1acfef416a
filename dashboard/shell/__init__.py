"""The web shell around the pages and its guards: the navigation frame and its callbacks
(``layout``), the alerts every page shows (``feedback``), who may sign in (``access``), the
request log, the health check and outage message (``health``), and the instance's secret key."""
