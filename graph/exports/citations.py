"""Reference-manager and screening-tool exports: RIS, BibTeX, CSL-JSON and ASReview CSV.

One record per publication of the graph (the commented article and its 29 references), read with
the `bibliography` named query and written with the libraries made for each format. Nothing is
added that the article does not print: no DOI, PMID or abstract is invented.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from ..engine import Engine
from . import register
from .tables import named_rows, write_csv

RIS_TYPES = {"conference-abstract": "ABST", "prescribing-information": "GEN"}


class PlainRisWriter(rispy.RisWriter):
    """rispy's writer without its "1." counter line before each record, which is not RIS."""

    def set_header(self, count: int) -> str:
        return ""


CSL_TYPES = {"prescribing-information": "document"}
BIBTEX_TYPES = {"prescribing-information": "misc"}


@dataclass(frozen=True)
class Record:
    """A publication as the bibliography query gives it, with names split for citation formats."""

    id: str
    number: int
    kind: str
    authors: tuple[str, ...]
    et_al: bool
    title: str
    journal: str | None
    year: int
    volume: str | None
    issue: str | None
    pages: str | None
    page_start: str | None
    page_end: str | None
    article_number: str | None
    doi: str | None
    url: str | None
    erratum: str | None
    keywords: tuple[str, ...]
    evidence: bool

    @property
    def names(self) -> list[tuple[str, str]]:
        """('Hunger', 'SP') from 'Hunger SP': the article prints family names and initials."""
        out = []
        for author in self.authors:
            family, _, initials = author.rpartition(" ")
            out.append((family or initials, initials if family else ""))
        return out

    @property
    def page_range(self) -> str | None:
        if self.page_start and self.page_end:
            return f"{self.page_start}-{self.page_end}"
        return self.page_start or self.article_number


def records(engine: Engine) -> list[Record]:
    out = []
    for row in named_rows(engine, "bibliography"):
        get = lambda k, row=row: row.get(k) or None  # noqa: E731
        out.append(
            Record(
                id=row["id"],
                number=int(row["number"]),
                kind=row["kind"],
                authors=tuple(a for a in row.get("authors", "").split("|") if a),
                et_al=row.get("et_al") == "true",
                title=row["title"],
                journal=get("journal"),
                year=int(row["year"]),
                volume=get("volume"),
                issue=get("issue"),
                pages=get("pages"),
                page_start=get("page_start"),
                page_end=get("page_end"),
                article_number=get("article_number"),
                doi=get("doi"),
                url=get("url"),
                erratum=get("erratum"),
                keywords=tuple(k for k in row.get("keywords", "").split("|") if k),
                evidence=row.get("evidence") == "true",
            )
        )
    return out


def _note(r: Record) -> list[str]:
    notes = []
    if r.number:
        notes.append(f"Reference {r.number} of Murphy & Aldoss, Transl Pediatr 2024 (doi:10.21037/tp-23-521)")
    else:
        notes.append("The commented article itself (Murphy & Aldoss, Transl Pediatr 2024)")
    if r.et_al:
        notes.append("author list as printed, truncated with et al.")
    if r.erratum:
        notes.append(f"Erratum in: {r.erratum}")
    return notes


@register(
    "ris",
    "application/x-research-info-systems",
    "relapsekg.ris",
    "RIS for Zotero, EndNote, Rayyan, Covidence, RevMan: the article and its 29 references",
)
def ris(engine: Engine) -> bytes:
    entries = []
    for r in records(engine):
        entry = {
            "type_of_reference": RIS_TYPES.get(r.kind, "JOUR"),
            "id": r.id,
            "authors": [f"{family}, {initials}" if initials else family for family, initials in r.names],
            "title": r.title,
            "year": str(r.year),
            "notes": _note(r),
        }
        for key, value in (
            ("journal_name", r.journal),
            ("volume", r.volume),
            ("number", r.issue),
            ("start_page", r.page_start or r.article_number),
            ("end_page", r.page_end),
            ("doi", r.doi),
        ):
            if value:
                entry[key] = value
        if r.url:
            entry["urls"] = [r.url]
        if r.keywords:
            entry["keywords"] = list(r.keywords)
        if r.number:
            entry["label"] = str(r.number)
        entries.append(entry)
    return rispy.dumps(entries, implementation=PlainRisWriter).encode("utf-8")


def _bibtex_names(r: Record) -> str:
    names = [f"{family}, {' '.join(initials)}" if initials else family for family, initials in r.names]
    if r.et_al:
        names.append("others")
    return " and ".join(names)


@register(
    "bibtex",
    "application/x-bibtex; charset=utf-8",
    "relapsekg.bib",
    "BibTeX (UTF-8, for biblatex and Zotero): the article and its 29 references",
)
def bibtex(engine: Engine) -> bytes:
    library = bibtexparser.Library()
    for r in records(engine):
        fields = [
            Field("title", "{" + r.title + "}"),
            Field("year", str(r.year)),
            Field("note", "; ".join(_note(r))),
        ]
        if r.names:
            fields.insert(0, Field("author", _bibtex_names(r)))
        for key, value in (
            ("journal", r.journal),
            ("volume", r.volume),
            ("number", r.issue),
            ("pages", r.page_range.replace("-", "--") if r.page_range else None),
            ("doi", r.doi),
            ("url", r.url),
            ("keywords", ", ".join(r.keywords) or None),
        ):
            if value:
                fields.append(Field(key, value))
        library.add(Entry(BIBTEX_TYPES.get(r.kind, "article"), r.id, fields))
    return bibtexparser.write_string(library).encode("utf-8")


def csl_items(engine: Engine) -> list[dict]:
    items = []
    for r in records(engine):
        item: dict = {
            "id": r.id,
            "type": CSL_TYPES.get(r.kind, "article-journal"),
            "title": r.title,
            "issued": {"date-parts": [[r.year]]},
            "note": "; ".join(_note(r)),
        }
        if r.names:
            item["author"] = [
                {"family": family, "given": initials} if initials else {"literal": family}
                for family, initials in r.names
            ]
        for key, value in (
            ("container-title", r.journal),
            ("volume", r.volume),
            ("issue", r.issue),
            ("page", r.page_range),
            ("DOI", r.doi),
            ("URL", r.url),
            ("keyword", ", ".join(r.keywords) or None),
            ("citation-label", str(r.number) if r.number else None),
        ):
            if value:
                item[key] = value
        items.append(item)
    return items


@register(
    "csl-json",
    "application/vnd.citationstyles.csl+json",
    "relapsekg.csl.json",
    "CSL-JSON for Zotero, Pandoc and citeproc: the article and its 29 references",
)
def csl_json(engine: Engine) -> bytes:
    return json.dumps(csl_items(engine), ensure_ascii=False, indent=2).encode("utf-8")


ASREVIEW_COLUMNS = ["id", "title", "abstract", "authors", "year", "doi", "included"]


@register(
    "asreview-csv",
    "text/csv; charset=utf-8",
    "relapsekg-asreview.csv",
    "ASReview: one row per record; included = 1 for references the article uses as evidence on outcomes",
)
def asreview_csv(engine: Engine) -> bytes:
    rows = [
        {
            "id": r.id,
            "title": r.title,
            "abstract": "",
            "authors": "; ".join(r.authors) + ("; et al." if r.et_al else ""),
            "year": r.year,
            "doi": r.doi or "",
            "included": int(r.number > 0 and r.evidence),
        }
        for r in records(engine)
    ]
    return write_csv(rows, ASREVIEW_COLUMNS)
