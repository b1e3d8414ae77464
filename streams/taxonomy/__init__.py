"""The taxonomy: initiatives, actors, offices and countries as data the user edits."""

from streams.taxonomy.load import DEFAULT_TAXONOMY_PATH, load_taxonomy, taxonomy_digest
from streams.taxonomy.model import Actor, Country, Initiative, Office, Role, Taxonomy

__all__ = [
    "DEFAULT_TAXONOMY_PATH",
    "Actor",
    "Country",
    "Initiative",
    "Office",
    "Role",
    "Taxonomy",
    "load_taxonomy",
    "taxonomy_digest",
]
