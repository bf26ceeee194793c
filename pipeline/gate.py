"""The publication gate: is language L fully translated, clean and approved by a doctor?

One function, :func:`evaluate`, used by ``status``, ``check`` and ``build``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.catalog import Catalog
from pipeline.checks import ERROR, Finding, check_catalog
from pipeline.config import Config
from pipeline.pofile import read_po
from pipeline.signoff import Approval, approvals, entry_digest
from pipeline.status import domains

UNTRANSLATED = "untranslated"
FUZZY = "fuzzy"
CHECK_ERROR = "check error"
NOT_APPROVED = "not approved"


@dataclass(frozen=True)
class Blocker:
    """One entry holding a language back, and why."""

    reason: str
    path: str
    line: int
    msgid: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.path}:{self.line}: {self.reason}{detail}"


@dataclass(frozen=True)
class DomainVerdict:
    """One catalog of the language, with the approval of each approved entry."""

    domain: str
    path: str
    catalog: Catalog | None
    approvals: dict[tuple, Approval] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    language: str
    domains: tuple[DomainVerdict, ...]
    blockers: tuple[Blocker, ...]
    findings: tuple[Finding, ...]

    @property
    def publishable(self) -> bool:
        return bool(self.domains) and not self.blockers


def evaluate(config: Config, language: str) -> Verdict:
    approved = approvals(config, language)
    verdicts, blockers, findings = [], [], []
    for domain in domains(config):
        path = config.catalog_path(language, domain)
        shown = config.relative(path)
        if not path.exists():
            blockers.append(Blocker(UNTRANSLATED, shown, 0, "", "catalog missing: run 'pipeline pull'"))
            verdicts.append(DomainVerdict(domain, shown, None))
            continue
        catalog = read_po(path)
        domain_findings = check_catalog(catalog, shown, language, config)
        findings.extend(domain_findings)
        errors = {f.key: f for f in domain_findings if f.severity == ERROR}
        entry_approvals = {}
        for entry in catalog.messages:
            if not entry.has_translation:
                blockers.append(Blocker(UNTRANSLATED, shown, entry.line, entry.msgid))
            elif entry.fuzzy:
                blockers.append(Blocker(FUZZY, shown, entry.line, entry.msgid))
            elif entry.key in errors:
                blockers.append(Blocker(CHECK_ERROR, shown, entry.line, entry.msgid,
                                        errors[entry.key].message))
            elif (approval := approved.get(entry_digest(language, entry))) is None:
                blockers.append(Blocker(NOT_APPROVED, shown, entry.line, entry.msgid))
            else:
                entry_approvals[entry.key] = approval
        verdicts.append(DomainVerdict(domain, shown, catalog, entry_approvals))
    return Verdict(language, tuple(verdicts), tuple(blockers), tuple(findings))
