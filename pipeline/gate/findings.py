"""What ``pipeline check`` reports: the findings of every catalog of some languages.

The checks run through the gate's kept facts (:mod:`pipeline.gate.facts`), so a
catalog unchanged since the last run is not checked again; the checks
themselves (:mod:`pipeline.checks`) know nothing of this.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from pipeline.checks import ERROR, WARNING, Finding, check_catalog
from pipeline.checks.runner import disabled_checks
from pipeline.config import Config
from pipeline.errors import CatalogError
from pipeline.gate.facts import FactsStore, catalog_paths
from pipeline.gate.source import source_findings, source_verdict


@dataclass(frozen=True)
class LanguageSummary:
    """How many catalogs and entries of one language were checked, and what was found."""

    language: str
    catalogs: int
    entries: int
    errors: int
    warnings: int
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckReport:
    """Every finding, in catalog order, and a summary per language."""

    findings: tuple[Finding, ...]
    languages: tuple[LanguageSummary, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == WARNING)

    def as_dict(self) -> dict[str, object]:
        return {"errors": self.errors, "warnings": self.warnings,
                "languages": [asdict(summary) for summary in self.languages],
                "findings": [finding.as_dict() for finding in self.findings]}


def run_checks(config: Config, languages: tuple[str, ...] | list[str]) -> CheckReport:
    """Check every catalog of the given languages; a malformed catalog is itself an error finding.

    Findings of catalogs unchanged since the last run come from what the gate keeps.
    """
    disabled_checks(config)  # a wrong [checks] table is an error even when nothing is checked
    findings: list[Finding] = []
    summaries: list[LanguageSummary] = []
    for language in languages:
        found: list[Finding] = []
        catalogs = entries = 0
        missing: list[str] = []
        store = FactsStore(config, language, check_catalog, with_details=True)
        paths = catalog_paths(config, language)
        try:
            store.prepare(paths)
            for domain, path, shown in paths:
                try:
                    facts = store.facts(domain, path, shown)
                except CatalogError as error:
                    catalogs += 1
                    found.append(Finding("gettext", ERROR, error.message, shown, error.line or 1,
                                         "", language=language))
                    continue
                if facts is None:
                    missing.append(shown)
                    continue
                catalogs += 1
                entries += facts.checked
                found.extend(facts.findings())
                facts.release()
        finally:
            store.save()
            store.close()
        findings.extend(found)
        summaries.append(LanguageSummary(
            language, catalogs, entries, sum(1 for f in found if f.severity == ERROR),
            sum(1 for f in found if f.severity == WARNING), tuple(missing)))
    findings.extend(source_findings(source_verdict(config)))
    return CheckReport(tuple(findings), tuple(summaries))
