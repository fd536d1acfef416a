"""Errors a user can act on.

Every failure caused by the input (a file, a column, a parameter) is raised as a
``SegmentaError`` whose message says what is wrong and what to do, so the CLI can print one line
and exit 2 and the app can show an alert, without either needing to know the cause.
"""


class SegmentaError(ValueError):
    """Bad input: the message is shown to the user as it is."""


class DataError(SegmentaError):
    """The table cannot be read or does not fit the limits."""


class FeatureError(SegmentaError):
    """A chosen feature column cannot be used (missing, non-numeric, constant...)."""


class ParameterError(SegmentaError):
    """A method parameter is outside its allowed range."""
