"""Producers: read files (and, later, feeds and official pages) into DocumentObserved events."""
