"""REST endpoints of the learning organisation: corrective actions, root-cause reports, taxonomy."""
