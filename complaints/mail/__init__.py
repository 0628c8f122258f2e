"""Email in and out: IMAP mailboxes become complaints and customer messages (``intake``),
agents answer customers by email through the outbox (``outbound``)."""
