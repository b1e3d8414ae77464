"""Features that wire two packages together: demo, replay, commitment scans, restores, status."""
