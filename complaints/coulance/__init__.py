"""Coulance: requests for goodwill gestures, their four-eyes decision and the letter.

``routing`` finds who decides, ``services`` writes, ``selectors`` reads, ``letters`` renders
text and PDF; ``complaints.money`` knows the ISO 4217 codes and how amounts are written.
"""
