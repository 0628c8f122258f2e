"""The monthly root-cause report lives here (see the learning-organisation issue)."""
