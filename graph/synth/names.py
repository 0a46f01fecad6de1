"""Word pools for the synthetic corpus: invented agents, authors and journals.

Every name is invented (agents are built from syllables with a ``-mab``/``-tinib`` stem, journals
say "Synthetic"), so a synthetic publication can never be mistaken for a real one. The pools are
fixed lists, not drawn from a random source, so the vocabulary does not depend on the seed.
"""

from __future__ import annotations

import random

SURNAMES = (
    "Abara",
    "Bellweather",
    "Castellan",
    "Dunmore",
    "Eskildsen",
    "Farrowby",
    "Galloway",
    "Hartigan",
    "Ilves",
    "Jarrow",
    "Kestrel",
    "Lindqvist",
    "Marchetti",
    "Nakagawa",
    "Okonkwo",
    "Pellegrin",
    "Quennell",
    "Rasmussen",
    "Szabo",
    "Thornbury",
    "Ulloa",
    "Vasquez",
    "Whitlock",
    "Xu",
    "Yilmaz",
    "Zoric",
)
INITIALS = ("A", "AB", "C", "CD", "E", "F", "GH", "J", "K", "L", "M", "MN", "P", "R", "S", "T", "TW", "V")
JOURNALS = (
    "J Synth Hematol",
    "Synth Leuk Res",
    "Synth Pediatr Oncol",
    "Synth Blood Adv",
    "Synth Clin Trials",
    "Synth Cancer Med",
    "Synth Transl Oncol",
    "Synth Haematol Rep",
)
# Agents studied in the synthetic trials: (id, label). Blinatumomab and CD19 CAR T cells are the
# article's own agents, kept so the named queries' default parameters find synthetic rows too.
AGENTS = (
    ("blinatumomab", "blinatumomab"),
    ("cd19-car-t", "CD19 CAR T cell therapy"),
) + tuple(
    (f"syn-agent-{stem}", f"{stem}{suffix}")
    for stem, suffix in (
        ("velo", "tumab"),
        ("orvi", "citinib"),
        ("darsa", "zumab"),
        ("pemi", "tinib"),
        ("tarlo", "mab"),
        ("quila", "tuzumab"),
        ("renvo", "ciclib"),
        ("soli", "tamab"),
        ("ixora", "tinib"),
        ("mevo", "lizumab"),
        ("calde", "rafenib"),
        ("nura", "tuximab"),
        ("obel", "astinib"),
        ("fenta", "zumab"),
        ("galu", "mertinib"),
        ("hyra", "cizumab"),
        ("kelvo", "parib"),
        ("luzo", "tumab"),
    )
)
# Codes verified in ontology/vocabularies.csv, for the agents that have one.
AGENT_CODES = {"blinatumomab": "NCIT:C62528", "cd19-car-t": "NCIT:C126102"}


def authors(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct author names such as 'Kestrel AB' (surname, initials: how the curated files write them)."""
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(SURNAMES)} {rng.choice(INITIALS)}"
        if name not in names:
            names.append(name)
    return names


def slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")
