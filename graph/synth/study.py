"""One synthetic trial report: a reference publication with its study, cohorts, results and findings.

Shaped like the curated report of AALL1331 (references/ref-11-hogan-2023.yaml): a randomized
study with an eligible population, a randomized risk group and its two arms, site subgroups
(BM ± EM, isolated BM, BM + EM, IEM, isolated CNS) each split by arm, survival rates per arm and
subgroup with p-values and confidence intervals, a hazard ratio, follow-up, findings with a
direction, and citations of earlier reports. One in five is a single-arm series instead. Every
number is printed in the sentence that is its quote, as the curated extraction conventions want.

Each report draws from its own random generator, seeded by (seed, reference number), so report
k is the same whatever the number of reports: a 1M-triple corpus extends the 10k one.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from .names import AGENTS, JOURNALS, authors, slug
from .text import SourceTextWriter

INTENTS = (
    "citesAsEvidence",
    "agreesWith",
    "citesForInformation",
    "obtainsBackgroundFrom",
    "discusses",
    "citesAsDataSource",
)
# Site subgroups: (key, label, parent key or None for the randomized group).
SITES = (
    ("bm-pm-em", "BM ± EM relapse", None),
    ("isolated-bm", "isolated BM relapse", "bm-pm-em"),
    ("bm-em", "BM + EM relapse", "bm-pm-em"),
    ("iem", "isolated extramedullary relapse", None),
    ("icns", "isolated CNS relapse", "iem"),
)


@dataclass(frozen=True)
class Report:
    """What the corpus needs to know of a report: its ids (for manifests and benchmark parameters)."""

    number: int
    publication: str
    study: str
    randomized: bool
    file: str


def _p(rng: random.Random, effect: float, n: int) -> str:
    """A printed p-value that roughly follows the effect size and n (small for big effects)."""
    z = abs(effect) / max(1.0, 100 / math.sqrt(max(n, 4))) + rng.uniform(-0.6, 0.6)
    p = math.erfc(max(z, 0.0) / math.sqrt(2))
    return "<0.001" if p < 0.001 else f"{min(p, 0.99):.3f}"


def _rate(rng: random.Random, low: float = 20.0, high: float = 95.0) -> float:
    return round(rng.uniform(low, high), 1)


def _ci(value: float, n: int) -> tuple[float, float]:
    half = 1.96 * math.sqrt(max(value * (100 - value), 25.0) / max(n, 4))
    return round(max(0.0, value - half), 1), round(min(100.0, value + half), 1)


def _split(rng: random.Random, total: int) -> tuple[int, int]:
    first = max(2, min(total - 2, round(total * rng.uniform(0.45, 0.55))))
    return first, total - first


class ReportWriter:
    """Builds the YAML data and source text of reference ``number``."""

    def __init__(self, number: int, seed: int):
        self.number = number
        self.rng = random.Random(f"relapsekg-synth:{seed}:{number}")
        rng = self.rng
        self.authors = authors(rng, rng.randint(3, 6))
        self.year = rng.randint(2000, 2024)
        first = self.authors[0].split()[0].lower()
        self.pub_id = f"ref-{number:05d}-{slug(first)}-{self.year}"
        self.sid = f"syn{number:05d}"
        self.acronym = f"SYN-{number:05d}"
        self.agent_id, self.agent = AGENTS[rng.randrange(len(AGENTS))]
        self.randomized = rng.random() < 0.8
        self.text = SourceTextWriter(f"Synthetic trial report {self.acronym} (not real data)")
        self.data: dict[str, Any] = {"text": f"{self.pub_id}.txt", "publication": None}
        for section in ("studies", "cohorts", "interventions", "results", "findings", "citations"):
            self.data[section] = []

    # -- the parts of a report -------------------------------------------------------------------
    def publication(self) -> None:
        rng, journal = self.rng, JOURNALS[self.rng.randrange(len(JOURNALS))]
        volume, first_page = rng.randint(1, 60), rng.randint(100, 4000)
        last = first_page + rng.randint(5, 12)
        pages = (
            f"{first_page}-{str(last)[-2:]}" if last // 100 == first_page // 100 else f"{first_page}-{last}"
        )
        design = "randomized trial" if self.randomized else "single-arm series"
        title = f"{self.agent.capitalize()} in first relapse of B-ALL: a synthetic {design} ({self.acronym})"
        bib = (
            f"{', '.join(self.authors[:3])}{', et al.' if len(self.authors) > 3 else '.'} {title}. "
            f"*{journal}* {self.year};{volume}:{pages}."
        )
        self.data["publication"] = {
            "id": self.pub_id,
            "kind": "research-article",
            "reference_number": self.number,
            "authors": self.authors[:3],
            "et_al": len(self.authors) > 3,
            "title": title,
            "journal": journal,
            "year": self.year,
            "volume": str(volume),
            "pages": pages,
            "quote": self.text.say(bib),
        }
        self.text.paragraph()

    def study(self, age_min: int, age_max: int) -> None:
        if self.randomized:
            phase = self.rng.choice((2, 3))
            design = ["randomized", "multicenter", f"phase-{phase}", "interventional", "parallel-group"]
            aim = self.text.say(
                f"The multicenter, randomized, phase {phase} trial {self.acronym} tested whether "
                f"adding {self.agent} to standard chemotherapy improves disease-free survival "
                f"({self.number})."
            )
        else:
            phase = None
            design = ["retrospective", "single-centre"]
            aim = self.text.say(
                f"This retrospective series {self.acronym} reports patients treated with "
                f"{self.agent} ({self.number})."
            )
        eligible = self.text.say(
            f"Patients aged {age_min}–{age_max} years with B-ALL in first relapse were "
            f"eligible for {self.acronym}."
        )
        study: dict[str, Any] = {
            "id": self.sid,
            "name": f"Synthetic {'trial' if self.randomized else 'series'} {self.acronym}",
            "acronym": self.acronym,
            "design": design,
        }
        if phase:
            study["phase"] = phase
        study.update(
            {
                "population": f"patients aged {age_min}–{age_max} years with B-ALL in first relapse",
                "condition": "b-all",
                "age_min": age_min,
                "age_max": age_max,
                # The keys issue 22 gives every study: what the population sentence says.
                "age_group": "pediatric" if age_max < 18 else "adult" if age_min >= 18 else "mixed",
                "settings": ["first-relapse"],
                "interventions": [self._experimental()] if self.randomized else [self.agent_id],
            }
        )
        if self.randomized:
            study["comparators"] = [f"{self.sid}-control"]
        study.update({"references": [self.number], "quote": [aim, eligible]})
        self.data["studies"].append(study)
        self.data["cohorts"].append(
            {
                "id": f"{self.sid}-eligible",
                "study": self.sid,
                "name": f"{self.acronym} eligible patients",
                "kind": "population",
                "references": [self.number],
                "quote": eligible,
            }
        )

    def _experimental(self) -> str:
        return f"{self.sid}-experimental"

    def arms(self, total: int) -> tuple[int, int]:
        sid, exp_n, ctl_n = self.sid, *_split(self.rng, total)
        randomization = self.text.say(
            f"A total of {total} patients were randomized, {exp_n} to {self.agent} plus standard chemotherapy "
            f"and {ctl_n} to standard chemotherapy alone."
        )
        self.data["interventions"] += [
            {
                "id": self._experimental(),
                "label": f"{self.agent} plus standard chemotherapy ({self.acronym})",
                "kind": "regimen",
                "components": [self.agent_id, "standard-chemotherapy"],
                "references": [self.number],
                "quote": randomization,
            },
            {
                "id": f"{sid}-control",
                "label": f"standard chemotherapy alone ({self.acronym})",
                "kind": "regimen",
                "components": ["standard-chemotherapy"],
                "references": [self.number],
                "quote": randomization,
            },
        ]
        self.data["cohorts"].append(
            {
                "id": f"{sid}-all",
                "study": sid,
                "name": f"{self.acronym} randomized patients",
                "kind": "risk-group",
                "parent": f"{sid}-eligible",
                "n": total,
                "references": [self.number],
                "quote": randomization,
            }
        )
        self.data["cohorts"].append(
            {
                "study": sid,
                "kind": "arm",
                "parent": f"{sid}-all",
                "references": [self.number],
                "quote": randomization,
                "each": [
                    {
                        "id": f"{sid}-exp",
                        "name": f"{self.acronym} {self.agent} arm",
                        "arm": f"{sid}-exp",
                        "n": exp_n,
                        "interventions": [self._experimental()],
                    },
                    {
                        "id": f"{sid}-ctl",
                        "name": f"{self.acronym} chemotherapy arm",
                        "arm": f"{sid}-ctl",
                        "n": ctl_n,
                        "interventions": [f"{sid}-control"],
                    },
                ],
            }
        )
        return exp_n, ctl_n

    def comparison(
        self,
        group: str,
        label: str,
        site: str | None,
        parent: str | None,
        exp_n: int,
        ctl_n: int,
        timepoint: str,
    ) -> tuple[float, str]:
        """Survival rates of both arms in one group: a group sentence, the arm cohorts, four results."""
        rng, sid = self.rng, self.sid
        effect = rng.gauss(6.0, 9.0)
        rates: dict[str, tuple[float, float]] = {}  # per endpoint: experimental arm, control arm
        p_values: dict[str, str] = {}
        for endpoint in ("dfs", "os"):
            control = _rate(rng, 30.0, 85.0)
            rates[endpoint] = (round(min(99.0, max(1.0, control + effect)), 1), control)
            p_values[endpoint] = _p(rng, effect, exp_n + ctl_n)
        with_ci = rng.random() < 0.5
        n_total = exp_n + ctl_n
        unit = timepoint.split()[1].rstrip("s")
        when = f"{timepoint.split()[0]}-{unit}"

        def arm_text(endpoint: str, index: int, n: int) -> str:
            value = rates[endpoint][index]
            if not with_ci:
                return f"{value:.1f}%"
            low, high = _ci(value, n)
            return f"{value:.1f}% (95% CI, {low:.1f}–{high:.1f})"

        where = (
            f"In the {label} subgroup (n={n_total})" if site else f"Among all {n_total} randomized patients"
        )
        sentence = self.text.say(
            f"{where}, the {when} DFS (P={p_values['dfs']}) and OS (P={p_values['os']}) were "
            f"{arm_text('dfs', 0, exp_n)} and {arm_text('os', 0, exp_n)} for {self.agent} (n={exp_n}) versus "
            f"{arm_text('dfs', 1, ctl_n)} and {arm_text('os', 1, ctl_n)} for chemotherapy (n={ctl_n})."
        )
        if site:
            self.data["cohorts"].append(
                {
                    "id": group,
                    "study": sid,
                    "name": f"{self.acronym} {label}",
                    "kind": "subgroup",
                    "parent": parent,
                    "site": site,
                    "n": n_total,
                    "references": [self.number],
                    "quote": sentence,
                }
            )
            self.data["cohorts"].append(
                {
                    "study": sid,
                    "kind": "subgroup",
                    "parent": group,
                    "site": site,
                    "references": [self.number],
                    "quote": sentence,
                    "each": [
                        {
                            "id": f"{group}-exp",
                            "name": f"{self.acronym} {label}: {self.agent} arm",
                            "arm": f"{sid}-exp",
                            "n": exp_n,
                            "interventions": [self._experimental()],
                        },
                        {
                            "id": f"{group}-ctl",
                            "name": f"{self.acronym} {label}: chemotherapy arm",
                            "arm": f"{sid}-ctl",
                            "n": ctl_n,
                            "interventions": [f"{sid}-control"],
                        },
                    ],
                }
            )
            arms = (f"{group}-exp", f"{group}-ctl")
        else:
            arms = (f"{sid}-exp", f"{sid}-ctl")
        rows = []
        for endpoint in ("dfs", "os"):
            for index, (cohort, other, intervention, n) in enumerate(
                ((arms[0], arms[1], self._experimental(), exp_n), (arms[1], arms[0], f"{sid}-control", ctl_n))
            ):
                value = rates[endpoint][index]
                row: dict[str, Any] = {
                    "id": f"{cohort}-{endpoint}",
                    "cohort": cohort,
                    "comparator": other,
                    "intervention": intervention,
                    "endpoint": endpoint,
                    "value": value,
                }
                if site:
                    row["n"] = n
                row["p"] = p_values[endpoint]
                if with_ci:
                    low, high = _ci(value, n)
                    row["ci"] = {"level": 95, "low": {"value": low}, "high": {"value": high}}
                rows.append(row)
        self.data["results"].append(
            {
                "study": sid,
                "timepoint": timepoint,
                "statistic": "survival-rate",
                "unit": "%",
                "references": [self.number],
                "quote": sentence,
                "each": rows,
            }
        )
        return effect, p_values["dfs"]

    def hazard_ratio(self, effect: float, n: int) -> None:
        rng, sid = self.rng, self.sid
        hr = round(max(0.2, min(2.5, math.exp(-effect / 25 + rng.uniform(-0.1, 0.1)))), 2)
        half = 1.96 * 2 / math.sqrt(max(n, 4))
        low, high = round(hr * math.exp(-half), 2), round(hr * math.exp(half), 2)
        p = _p(rng, effect, n)
        sentence = self.text.say(
            f"The hazard ratio for DFS was {hr:.2f} (95% CI, {low:.2f}–{high:.2f}; P={p})."
        )
        self.data["results"].append(
            {
                "id": f"{sid}-dfs-hr",
                "study": sid,
                "cohort": f"{sid}-exp",
                "comparator": f"{sid}-ctl",
                "intervention": self._experimental(),
                "endpoint": "dfs",
                "statistic": "hazard-ratio",
                "value": hr,
                "unit": "ratio",
                "p": p,
                "ci": {"level": 95, "low": {"value": low}, "high": {"value": high}},
                "references": [self.number],
                "quote": sentence,
            }
        )

    def follow_up(self, cohort: str) -> None:
        rng, sid = self.rng, self.sid
        median = round(rng.uniform(1.5, 6.0), 1)
        if rng.random() < 0.3:
            low, high = round(rng.uniform(0.1, median - 0.5), 1), round(rng.uniform(median + 0.5, 9.0), 1)
            sentence = self.text.say(
                f"Median follow-up was {median:.1f} years (range, {low:.1f}–{high:.1f} years)."
            )
            rows = [
                {"id": f"{sid}-follow-up-median", "statistic": "median", "value": median, "unit": "years"},
                {
                    "id": f"{sid}-follow-up-range",
                    "statistic": "range",
                    "qualifier": "range",
                    "value": low,
                    "unit": "years",
                    "range": {
                        "low": {"value": low, "unit": "years"},
                        "high": {"value": high, "unit": "years"},
                    },
                },
            ]
        else:
            sentence = self.text.say(f"Median follow-up was {median:.1f} years.")
            rows = [
                {"id": f"{sid}-follow-up-median", "statistic": "median", "value": median, "unit": "years"}
            ]
        self.data["results"].append(
            {
                "study": sid,
                "cohort": cohort,
                "endpoint": "follow-up",
                "references": [self.number],
                "quote": sentence,
                "each": rows,
            }
        )

    def second_relapse(self, cohort: str) -> None:
        share, in_cns = _rate(self.rng, 30.0, 80.0), _rate(self.rng, 40.0, 90.0)
        sentence = self.text.say(
            f"Patients with isolated CNS (ICNS) relapse had second relapses ({share:.1f}%), "
            f"most of them in the CNS ({in_cns:.1f}%)."
        )
        self.data["results"].append(
            {
                "study": self.sid,
                "cohort": cohort,
                "statistic": "proportion",
                "unit": "%",
                "references": [self.number],
                "quote": sentence,
                "each": [
                    {"id": f"{cohort}-second-relapse", "endpoint": "second-relapse", "value": share},
                    {
                        "id": f"{cohort}-cns-relapse",
                        "endpoint": "cns-relapse",
                        "intervention": self._experimental(),
                        "value": in_cns,
                    },
                ],
            }
        )

    def finding(
        self,
        suffix: str,
        statement: str,
        subject: str,
        topic: str,
        direction: str,
        cohort: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        entry: dict[str, Any] = {
            "id": f"{self.sid}-{suffix}",
            "statement": statement,
            "subject": subject,
            "topic": topic,
            "direction": direction,
            "study": self.sid,
        }
        if cohort:
            entry["cohort"] = cohort
        if endpoint:
            entry["endpoint"] = endpoint
        entry.update({"references": [self.number], "quote": self.text.say(statement)})
        self.data["findings"].append(entry)

    def citations(self) -> None:
        if self.number == 1:
            return
        rng = self.rng
        earlier = range(max(1, self.number - 40), self.number)
        for _ in range(min(len(earlier), rng.randint(1, 3))):
            refs = sorted(rng.sample(earlier, min(len(earlier), rng.randint(1, 2))))
            printed = ",".join(str(r) for r in refs)
            intent = rng.choice(INTENTS)
            verb = {
                "agreesWith": "agree with",
                "discusses": "are discussed against",
                "obtainsBackgroundFrom": "build on",
            }.get(intent, "are consistent with")
            self.data["citations"].append(
                {
                    "refs": refs,
                    "intent": [intent],
                    "cited_for": f"earlier synthetic results ({printed})",
                    "quote": self.text.say(f"These results {verb} earlier reports ({printed})."),
                }
            )

    # -- the whole report ------------------------------------------------------------------------
    def randomized_trial(self) -> None:
        rng, sid = self.rng, self.sid
        total = rng.randint(60, 420)
        self.study(rng.choice((1, 2, 18)), rng.choice((21, 30, 65)))
        exp_n, ctl_n = self.arms(total)
        timepoint = rng.choice(("3 years", "4 years", "5 years", "24 months"))
        self.text.paragraph()
        effect, dfs_p = self.comparison(f"{sid}-all", "randomized", None, None, exp_n, ctl_n, timepoint)
        self.follow_up(f"{sid}-all")
        if rng.random() < 0.5:
            self.hazard_ratio(effect, total)
        self.text.paragraph()
        bm_exp, iem_exp = _split(rng, exp_n)
        bm_ctl, iem_ctl = _split(rng, ctl_n)
        groups = {"bm-pm-em": (bm_exp, bm_ctl), "iem": (iem_exp, iem_ctl)}
        if rng.random() < 0.6 and min(bm_exp, bm_ctl) >= 4:
            ibm = _split(rng, bm_exp), _split(rng, bm_ctl)
            groups["isolated-bm"] = (ibm[0][0], ibm[1][0])
            groups["bm-em"] = (ibm[0][1], ibm[1][1])
        if rng.random() < 0.6 and min(iem_exp, iem_ctl) >= 4:
            groups["icns"] = (_split(rng, iem_exp)[0], _split(rng, iem_ctl)[0])
        effects = {}
        for key, label, parent in SITES:
            if key in groups:
                parent_id = f"{sid}-{parent}" if parent else f"{sid}-all"
                effects[key] = self.comparison(
                    f"{sid}-{key}", label, key, parent_id, *groups[key], timepoint
                )[0]
        if "icns" in groups:
            self.second_relapse(f"{sid}-icns")
        self.text.paragraph()
        if effect > 0 and float(dfs_p.lstrip("<")) < 0.05:
            self.finding(
                "efficacy",
                f"Adding {self.agent} significantly improved DFS in {self.acronym}.",
                self.agent_id,
                "efficacy",
                "for",
                f"{sid}-all",
                "dfs",
            )
        else:
            self.finding(
                "efficacy",
                f"Adding {self.agent} did not improve DFS for {self.acronym} as a whole.",
                self.agent_id,
                "efficacy",
                "no-difference",
                f"{sid}-all",
                "dfs",
            )
        if "icns" in groups:
            direction = "for" if effects["icns"] > 5 else "against"
            verb = "improved" if direction == "for" else "did not improve"
            self.finding(
                "cns",
                f"In {self.acronym}, {self.agent} {verb} outcomes after isolated CNS relapse.",
                self.agent_id,
                "cns-efficacy",
                direction,
                f"{sid}-icns",
            )
        if rng.random() < 0.5:
            self.finding(
                "safety",
                f"{self.agent.capitalize()} was well tolerated in {self.acronym}, with low rates "
                f"of cytokine release syndrome.",
                self.agent_id,
                "safety",
                "for",
                f"{sid}-all",
                "toxicity",
            )

    def series(self) -> None:
        rng, sid = self.rng, self.sid
        n = rng.randint(20, 200)
        self.study(rng.choice((1, 18)), rng.choice((25, 70)))
        cns = max(1, round(n * rng.uniform(0.1, 0.4)))
        cr, cr_cns = _rate(rng, 40.0, 95.0), _rate(rng, 30.0, 95.0)
        sentence = self.text.say(
            f"Of {n} patients treated with {self.agent}, {cr:.1f}% reached complete remission, "
            f"and {cr_cns:.1f}% of the {cns} with CNS involvement did."
        )
        self.data["cohorts"].append(
            {
                "study": sid,
                "kind": "series",
                "interventions": [self.agent_id],
                "references": [self.number],
                "quote": sentence,
                "each": [
                    {
                        "id": f"{sid}-series",
                        "name": f"{self.acronym} patients treated with {self.agent}",
                        "parent": f"{sid}-eligible",
                        "n": n,
                    },
                    {
                        "id": f"{sid}-cns",
                        "name": f"{self.acronym} patients with CNS involvement",
                        "kind": "subgroup",
                        "parent": f"{sid}-series",
                        "site": "cns",
                        "n": cns,
                    },
                ],
            }
        )
        self.data["results"].append(
            {
                "study": sid,
                "endpoint": "complete-remission",
                "statistic": "proportion",
                "unit": "%",
                "intervention": self.agent_id,
                "references": [self.number],
                "quote": sentence,
                "each": [
                    {"id": f"{sid}-series-cr", "cohort": f"{sid}-series", "value": cr, "n": n},
                    {"id": f"{sid}-cns-cr", "cohort": f"{sid}-cns", "value": cr_cns, "n": cns},
                ],
            }
        )
        self.follow_up(f"{sid}-series")
        direction = "for" if cr_cns >= 60 else "against"
        self.finding(
            "cns",
            f"In {self.acronym}, {self.agent} {'was' if direction == 'for' else 'was not'} "
            f"effective in CNS disease.",
            self.agent_id,
            "cns-efficacy",
            direction,
            f"{sid}-cns",
            "complete-remission",
        )

    def write(self) -> tuple[dict[str, Any], str, Report]:
        self.publication()
        if self.randomized:
            self.randomized_trial()
        else:
            self.series()
        self.text.paragraph()
        self.citations()
        data = {k: v for k, v in self.data.items() if v != []}
        report = Report(self.number, self.pub_id, self.sid, self.randomized, f"references/{self.pub_id}.yaml")
        return data, self.text.render(), report


def report(number: int, seed: int) -> tuple[dict[str, Any], str, Report]:
    """(YAML data, source text, ids) of synthetic reference ``number`` under ``seed``."""
    return ReportWriter(number, seed).write()
