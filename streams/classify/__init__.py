"""Classification of documents against a taxonomy. Pure: no Kafka, no Faust, no I/O.

``classifier.Classifier`` is the entry point; ``stories.StoryIndex`` groups
reports of one event. The other modules are its parts: ``normalise`` (text and
offset map), ``matcher`` (Aho-Corasick over aliases), ``initiatives``,
``actors``, ``date_patterns`` and ``dates`` (date expressions -> due windows)
and ``commitments``. The modules may run compiled to C (mypyc, ``make setup``);
``streams.native`` keeps compiled copies only while they match their sources.
"""

from pathlib import Path as _Path

from streams.native import use_compiled_if_fresh as _use_compiled_if_fresh

NATIVE = _use_compiled_if_fresh(__name__, _Path(__file__).parent)
