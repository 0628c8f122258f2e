"""Coulance: requests for goodwill gestures, their four-eyes decision and the letter.

``services`` writes, ``selectors`` reads, ``letters`` renders text and PDF, ``currencies``
knows the ISO 4217 codes and how amounts are written for the customer.
"""
