"""Fixtures: the seed articles, a small hand-built taxonomy and the default one."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.classify.classifier import Classifier
from streams.taxonomy.load import load_taxonomy, parse_taxonomy
from streams.taxonomy.model import Taxonomy

SEEDS = Path(__file__).resolve().parents[4].parent / "shared" / "seeds"

SMALL_TAXONOMY = """
version: "test-1"
countries:
  - code: IN
    name: India
    aliases: {en: ["India", "Indian"], ja: ["インド"]}
  - code: JP
    name: Japan
    aliases: {en: ["Japan", "Japanese"], ja: ["日本"]}
  - code: AU
    name: Australia
    aliases: {en: ["Australia", "Australian"]}
  - code: US
    name: United States
    aliases: {en: ["United States", "US", "U.S.", "American"]}
offices:
  - id: jp.foreign-minister
    title: Minister for Foreign Affairs of Japan
    country: JP
    titles: {en: ["Foreign Minister"]}
    aliases: {ja: ["外務大臣", "外相"]}
  - id: in.external-affairs-minister
    title: Minister of External Affairs of India
    country: IN
    titles: {en: ["Foreign Minister", "External Affairs Minister"]}
    aliases: {en: ["External Affairs Minister", "EAM"]}
  - id: in.prime-minister
    title: Prime Minister of India
    country: IN
    titles: {en: ["Prime Minister", "PM"]}
  - id: us.secretary-of-state
    title: Secretary of State
    country: US
    titles: {en: ["Secretary of State"]}
initiatives:
  - id: quad
    name: Quad
    parties: [AU, IN, JP, US]
    aliases: {en: ["Quadrilateral Security Dialogue", "Quad summit"]}
    ambiguous_aliases: {en: ["Quad"]}
    context:
      requires_any: ["Indo-Pacific", "India", "Japan", "Australia", "summit", "leaders"]
      forbids_any: ["bike", "bikes", "quadcopter", "quadcopters", "quad core", "ATV"]
      window: 200
  - id: in-jp.ai-dialogue
    name: India-Japan AI Dialogue
    parties: [IN, JP]
    aliases: {en: ["India-Japan AI Dialogue"], ja: ["日印AI対話"]}
    ambiguous_aliases: {en: ["AI Dialogue"], ja: ["AI対話"]}
    context: {requires_any: ["Japan", "Japanese", "日本", "日印"], window: 1000}
  - id: foip
    name: Free and Open Indo-Pacific
    aliases: {en: ["Free and Open Indo-Pacific", "FOIP"], ja: ["自由で開かれたインド太平洋"]}
  - id: in-jp.critical-minerals-jwg
    name: India-Japan JWG on Critical Minerals
    parties: [IN, JP]
    aliases: {en: ["Joint Working Group on Critical Minerals"]}
actors:
  - id: jp.toshimitsu-motegi
    name: Toshimitsu Motegi
    country: JP
    aliases: {en: ["Toshimitsu Motegi"], ja: ["茂木敏充"]}
    short_aliases: {en: ["Motegi"], ja: ["茂木"]}
    roles:
      - {title: Minister for Foreign Affairs, office: jp.foreign-minister, from: 2025-10-21}
  - id: jp.takeshi-iwaya
    name: Takeshi Iwaya
    country: JP
    aliases: {en: ["Takeshi Iwaya"], ja: ["岩屋毅"]}
    short_aliases: {en: ["Iwaya"], ja: ["岩屋"]}
    roles:
      - title: Minister for Foreign Affairs
        office: jp.foreign-minister
        from: 2024-10-01
        to: 2025-10-20
  - id: in.s-jaishankar
    name: S. Jaishankar
    country: IN
    aliases: {en: ["S Jaishankar", "S. Jaishankar", "Subrahmanyam Jaishankar"]}
    short_aliases: {en: ["Jaishankar"]}
    roles:
      - title: Minister of External Affairs
        office: in.external-affairs-minister
        from: 2019-05-30
  - id: in.narendra-modi
    name: Narendra Modi
    country: IN
    aliases: {en: ["Narendra Modi"]}
    short_aliases: {en: ["Modi"]}
    roles:
      - {title: Prime Minister of India, office: in.prime-minister, from: 2014-05-26}
  - id: us.marco-rubio
    name: Marco Rubio
    country: US
    aliases: {en: ["Marco Rubio"]}
    short_aliases: {en: ["Rubio"]}
    roles:
      - {title: Secretary of State, office: us.secretary-of-state, from: 2025-01-21}
  - id: in.mea
    name: Ministry of External Affairs
    kind: organisation
    country: IN
    aliases: {en: ["Ministry of External Affairs", "MEA"]}
"""


def seed_texts() -> dict[str, str]:
    """The seed articles by file stem; a missing directory fails loudly, never skips."""
    files = sorted(SEEDS.glob("*.txt"))
    assert files, f"no seed articles under {SEEDS}"
    return {f.stem: f.read_text(encoding="utf-8") for f in files}


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return seed_texts()


@pytest.fixture(scope="session")
def small_taxonomy() -> Taxonomy:
    return parse_taxonomy(SMALL_TAXONOMY, "small-test-taxonomy")


@pytest.fixture(scope="session")
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="session")
def small(small_taxonomy: Taxonomy) -> Classifier:
    return Classifier(small_taxonomy)


@pytest.fixture(scope="session")
def default(default_taxonomy: Taxonomy) -> Classifier:
    return Classifier(default_taxonomy)
