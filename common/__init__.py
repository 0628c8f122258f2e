"""What every app shares and no app owns: the domain errors (``errors``), which the one DRF
exception handler and the pages turn into answers, the helpers every web view uses (``web``),
and the longest text each kind of field takes (``limits``, which the models read too). It
imports from Django and ``accounts`` only, so any app may import it."""
