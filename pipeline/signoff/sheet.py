"""Printable review sheets, and approving exactly what a sheet showed.

A sheet is one self-contained HTML file (no external resources, autoescaped)
beside a JSON manifest of the digests it shows. Approving by manifest signs
only the entries whose current digest is still the sheet's; anything edited
since is reported instead, so a doctor never approves text they did not read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel import Locale

from pipeline.config import Config
from pipeline.errors import SignoffError
from pipeline.fsutil import write_atomic
from pipeline.signoff.i18n import environment, language_label, speaking_to
from pipeline.signoff.roster import Reviewer
from pipeline.signoff.ledger import format_time, utc_now
from pipeline.signoff.context import pending_contexts
from pipeline.signoff.review import Decision, Signer, approve, pending, translated_entries

MANIFEST_KIND = "review-sheet"


@dataclass(frozen=True)
class SheetFiles:
    html: Path
    manifest: Path
    entries: int


@dataclass(frozen=True)
class SheetApproval:
    """What approving a sheet did: the decision, and the sheet's entries that changed since."""

    decision: Decision
    changed: tuple[str, ...]


def manifest_path_for(html: Path) -> Path:
    return html.with_name(f"{html.stem}.manifest.json")


def write_sheet(config: Config, language: str, out: Path, page: str | None = None,
                now: datetime | None = None, reviewer: Reviewer | None = None) -> SheetFiles:
    """Write the review sheet of the waiting entries and its manifest beside it.

    ``reviewer``: the doctor it is printed for, in their language and time zone.
    """
    items = pending(config, language, page)
    now = now or utc_now()
    with speaking_to(config, reviewer):
        rows = [{"item": item, "context": context}
                for item, context in zip(items, pending_contexts(config, language, items))]
        html = environment().get_template("review-sheet.html").render(
            site=config.site_name, language=language, language_name=language_label(language),
            direction=Locale.parse(language).text_direction, page=page, created=now,
            rows=rows, manifest=manifest_path_for(out).name,
            source_language=config.source_language,
            source_name=language_label(config.source_language))
    manifest = {"kind": MANIFEST_KIND, "language": language, "page": page,
                "created": format_time(now), "sheet": out.name,
                "entries": [{"digest": item.digest, "domain": item.places[0].domain,
                             "msgctxt": item.entry.msgctxt, "msgid": item.entry.msgid}
                            for item in items]}
    write_atomic(out, html)
    manifest_file = manifest_path_for(out)
    write_atomic(manifest_file, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return SheetFiles(out, manifest_file, len(items))


def approve_sheet(config: Config, language: str, signer: Signer, manifest: Path,
                  now: datetime | None = None) -> SheetApproval:
    """Approve the sheet's entries whose digest is still current; report the others."""
    entries = read_manifest(manifest, language)
    current = translated_entries(config, language)
    still, changed = [], []
    for item in entries:
        if item["digest"] in current:
            still.append(current[item["digest"]])
        else:
            changed.append(f"{item['domain']}: {_short(item['msgid'])} "
                           f"({item['digest'][:12]}) changed since the sheet")
    decision = approve(config, language, signer, list({t.digest: t for t in still}.values()), now)
    return SheetApproval(decision, tuple(changed))


def read_manifest(path: Path, language: str) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SignoffError("no such sheet manifest", path) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SignoffError("not a review-sheet manifest (invalid JSON)", path) from None
    if not isinstance(data, dict) or data.get("kind") != MANIFEST_KIND:
        raise SignoffError("not a review-sheet manifest", path)
    if data.get("language") != language:
        raise SignoffError(f"this sheet is for '{data.get('language')}', not '{language}'", path)
    entries = data.get("entries")
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("digest"), str)
            and isinstance(e.get("domain"), str) and isinstance(e.get("msgid"), str)
            for e in entries):
        raise SignoffError("the manifest's entries are damaged: print a new sheet", path)
    return entries


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= width else f'"{text[:width - 1]}…"'
