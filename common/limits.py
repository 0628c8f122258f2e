"""The longest text each kind of field takes, in characters: the one list that the models, the
API's serializers (and so the schema's ``maxLength``), and the web forms read.

Why limits at all: without them a 100,000-character "facts" was stored, shown on every page,
copied into letters and exports. The sizes are generous for what a person writes in each
field, and small enough that a page, a letter or a JSON body stays of a sensible size.
Changing a number that a ``CharField`` column uses needs a migration; a ``TextField``'s limit
is checked by the forms and serializers only (its column has no length).
"""

from __future__ import annotations

# Short lines: a title, a name.
SUBJECT = 200  # a complaint's or a letter's subject, a corrective action's title
NAME = 200  # a customer's name
CATEGORY = 200  # a complaint's product or category
GESTURE_DESCRIPTION = 200  # what a goodwill gesture gives, in the customer's words
PURPOSE = 300  # what a callback promise is for
ROOT_CAUSE_NAME = 120  # a root cause's name, in Dutch or English
CODE = 60  # a root cause's code (a query parameter too)
REFERENCE = 20  # a complaint's reference, e.g. KL-2026-000123
AMOUNT = 20  # an amount as a decimal string, e.g. "25.00"
CURRENCY = 3  # an ISO 4217 code

# Contact details.
EMAIL = 254  # RFC 5321's longest forward path, as Django's EmailField
PHONE = 40
POSTAL_ADDRESS = 500  # the company's postal address on its letterhead, several lines
CUSTOMER_NUMBER = 40

# What people write.
TEXT = 10_000  # facts, summaries, acknowledgement, apology, next steps, assessments
NOTE = 5_000  # notes, reasons, comments
LETTER = 50_000  # a goodwill letter's text (drafted from the record, which holds TEXT fields)
LETTER_FOOTER = 500  # the letterhead's footer: chamber of commerce number, phone, website
SURVEY_COMMENT = 2_000  # what the customer writes in the follow-up survey

# List lengths.
LINKED_COMPLAINTS = 1_000  # complaint references linked to a corrective action in one request
