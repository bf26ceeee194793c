"""Per-language progress: how many strings are translated, fuzzy or still empty."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from pipeline.config import Config
from pipeline.gate.source import SourceVerdict, source_verdict
from pipeline.gate.verdict import DomainVerdict, Verdict, evaluate_languages


@dataclass(frozen=True)
class CatalogCounts:
    domain: str
    path: str
    strings: int
    translated: int
    fuzzy: int
    untranslated: int


@dataclass(frozen=True)
class LanguageProgress:
    language: str
    catalogs: tuple[CatalogCounts, ...]

    @property
    def strings(self) -> int:
        return sum(c.strings for c in self.catalogs)

    @property
    def translated(self) -> int:
        return sum(c.translated for c in self.catalogs)

    @property
    def fuzzy(self) -> int:
        return sum(c.fuzzy for c in self.catalogs)

    @property
    def untranslated(self) -> int:
        return sum(c.untranslated for c in self.catalogs)

    def as_dict(self) -> dict:
        return {"language": self.language, "strings": self.strings,
                "translated": self.translated, "fuzzy": self.fuzzy,
                "untranslated": self.untranslated,
                "catalogs": [asdict(c) for c in self.catalogs]}


@dataclass(frozen=True)
class LanguageStatus:
    """Progress, review state and the gate's verdict for one language."""

    progress: LanguageProgress
    review: dict[str, int]
    check_errors: int
    publishable: bool
    blocked: dict[str, int]
    ledger_problems: tuple[str, ...]

    @property
    def verdict(self) -> str:
        return "publishable" if self.publishable else "stopped"

    def as_dict(self) -> dict:
        data = self.progress.as_dict()
        catalogs = data.pop("catalogs")
        return {**data, **self.review, "check_errors": self.check_errors,
                "verdict": self.verdict, "publishable": self.publishable,
                "blocked": self.blocked, "ledger_problems": list(self.ledger_problems),
                "catalogs": catalogs}


@dataclass(frozen=True)
class SourceStatus:
    """The source language's articles: how many its doctors signed, and the drafts, with why."""

    verdict: SourceVerdict

    @property
    def required(self) -> bool:
        return self.verdict.required

    def as_dict(self) -> dict:
        verdict = self.verdict
        problems = verdict.signoffs.failures if verdict.signoffs else ()
        return {"language": verdict.language, "source": True,
                "articles": len(verdict.articles),
                "signed": sum(1 for a in verdict.articles if a.signature is not None),
                "drafts": [{"path": a.shown, "title": a.title, "state": a.state,
                            "reason": a.reason, "detail": a.detail} for a in verdict.drafts],
                "ledger_problems": [str(p) for p in problems]}


def language_statuses(config: Config, languages: Iterable[str]) -> list[LanguageStatus]:
    """Everything ``status`` shows for each language, from one pass of the gate over them all."""
    return status_report(config, languages)[1]


def status_report(config: Config, languages: Iterable[str]
                  ) -> tuple[SourceStatus, list[LanguageStatus]]:
    """The source's articles and every language's status, from one pass of the gate."""
    source = source_verdict(config)
    verdicts = evaluate_languages(config, languages, source=source)
    return SourceStatus(source), [_status(verdict) for verdict in verdicts]


def _status(verdict: Verdict) -> LanguageStatus:
    progress = LanguageProgress(verdict.language, tuple(_counts(d) for d in verdict.domains))
    problems = verdict.signoffs.failures if verdict.signoffs else ()
    return LanguageStatus(progress, verdict.review_counts(), verdict.check_errors(),
                          verdict.publishable, verdict.blocker_counts(),
                          tuple(str(p) for p in problems))


def _counts(domain: DomainVerdict) -> CatalogCounts:
    """A catalog's counts from what the gate learnt of it (no need to read it again)."""
    facts = domain.facts
    if facts is None:  # the catalog is missing
        return CatalogCounts(domain.domain, domain.path, 0, 0, 0, 0)
    return CatalogCounts(domain.domain, domain.path, facts.strings, facts.translated, facts.fuzzy,
                         facts.strings - facts.translated - facts.fuzzy)
