"""Care for the customer after the first contact: callback promises, the one-month follow-up
and the customer's survey.

``promises`` and ``followups`` write, ``survey`` answers the customer's link, ``selectors``
reads; ``common`` holds what the two kinds of due contact really share (locking one for a
change, refusing one that has ended, ending it). The models are in ``complaints.models``.
"""
