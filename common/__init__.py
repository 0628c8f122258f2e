"""What every app shares and no app owns: the domain errors (``errors``), which the one DRF
exception handler and the pages turn into answers, and the helpers every web view uses
(``web``). It imports from Django and ``accounts`` only, so any app may import it."""
