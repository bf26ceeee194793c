"""A local server speaking the parts of DeepL's v2 API the pipeline uses, for tests and benchmarks.

It checks what the real service checks (the key, at most 50 texts and 128 KiB
per request, ``EN``/``PT`` without a variant, formality where the target has
none), records every request as received (raw body and query string) and
every answer it sends, and can be told to misbehave: statuses for the
next translate requests, a status once N translate requests succeeded, a
fixed latency per request, answers held back until the test resumes it.

    with FakeDeepL(latency=0.1) as server:
        env = {"DEEPL_AUTH_KEY": server.key, "DEEPL_SERVER_URL": server.url}
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, UTC
from collections.abc import Callable

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

MAX_TEXTS = 50
MAX_BODY = 128 * 1024
FORMALITY_TARGETS = {"DE", "FR", "IT", "ES", "NL", "PL", "PT-BR", "PT-PT", "JA", "RU"}
TARGETS = ["AR", "DE", "EN-GB", "EN-US", "ES", "FR", "IT", "JA", "NL", "PL", "PT-BR", "PT-PT",
           "RU", "TR", "ZH"]
GLOSSARY_PAIRS = [("tr", "en"), ("tr", "de"), ("en", "tr"), ("de", "tr")]


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict
    body: bytes
    json: object
    query: bytes = b""  # the raw query string

    @property
    def texts(self) -> list[str]:
        return list(self.json.get("text", [])) if isinstance(self.json, dict) else []


@dataclass(frozen=True)
class Answer:
    """One answer as the server sent it, with the request it answers."""

    request: Recorded
    status: int
    body: bytes

    def translations(self) -> list[tuple[str, str, str]]:
        """(text, translation, target code) of a successful translate answer; [] otherwise."""
        if self.request.path != "/v2/translate" or self.status != 200:
            return []
        target = str(self.request.json["target_lang"]).upper()  # type: ignore[index]
        sent = json.loads(self.body)["translations"]
        return [(text, item["text"], target) for text, item in zip(self.request.texts, sent, strict=True)]


def tagged_translation(text: str, target: str) -> str:
    """The fake translation: the target code in front, every tag left in place."""
    return f"[{target}] {text}"


def billable(text: str) -> int:
    return len(html.unescape(re.sub(r"<[^>]*>", "", text)))


class FakeDeepL:
    def __init__(self, key: str = "test-key:fx", latency: float = 0.0,
                 character_limit: int = 500_000,
                 translator: Callable[[str, str], str] = tagged_translation):
        self.key = key
        self.latency = latency
        self.character_limit = character_limit
        self.character_count = 0
        self.translator = translator
        self.fail_next: list[int] = []
        self.fail_after: tuple[int, int] | None = None
        self.requests: list[Recorded] = []
        self.answers: list[Answer] = []
        self.glossaries: dict[str, dict] = {}
        self.successes = 0
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests the server was answering at once
        self.held = 0  # requests waiting for resume()
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self.server = HTTPServer(host="127.0.0.1", threaded=True)
        self.server.no_handler_status_code = 404

    # ------------------------------------------------------------ lifecycle

    def start(self) -> FakeDeepL:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.server.expect_request(re.compile(r"^/v2/.*")).respond_with_handler(self._handle)
        self.server.start()
        return self

    def stop(self) -> None:
        if self.server.is_running():
            self.server.stop()

    def __enter__(self) -> FakeDeepL:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    @property
    def env(self) -> dict[str, str]:
        return {"DEEPL_AUTH_KEY": self.key, "DEEPL_SERVER_URL": self.url}

    def pause(self) -> None:
        """Hold every request, in flight or coming, after its latency until :meth:`resume`."""
        self._open.clear()

    def resume(self) -> None:
        self._open.set()

    def translate_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/v2/translate"]

    def translations_answered(self) -> list[tuple[str, str, str]]:
        """Every (text, translation, target code) the server sent back."""
        with self._lock:
            answers = list(self.answers)
        return [found for answer in answers for found in answer.translations()]

    # ------------------------------------------------------------ handling

    def _handle(self, request: Request) -> Response:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            if not self._open.is_set():
                with self._lock:
                    self.held += 1
                self._open.wait()
                with self._lock:
                    self.held -= 1
            recorded, response = self._route(request)
            with self._lock:
                self.answers.append(Answer(recorded, response.status_code, response.get_data()))
            return response
        finally:
            with self._lock:
                self.in_flight -= 1

    def _route(self, request: Request) -> tuple[Recorded, Response]:
        body = request.get_data()
        parsed = request.get_json(silent=True)
        recorded = Recorded(request.method, request.path, dict(request.headers), body, parsed,
                            request.query_string)
        with self._lock:
            self.requests.append(recorded)
        return recorded, self._respond(request, body, parsed)

    def _respond(self, request: Request, body: bytes, parsed: object) -> Response:
        if request.headers.get("Authorization") != f"DeepL-Auth-Key {self.key}":
            return _answer(403, {"message": "Wrong endpoint or invalid auth key"})
        route = (request.method, request.path)
        if route == ("POST", "/v2/translate"):
            return self._translate(body, parsed)
        if route == ("GET", "/v2/usage"):
            return _answer(200, {"character_count": self.character_count,
                                 "character_limit": self.character_limit})
        if route == ("GET", "/v2/languages"):
            return _answer(200, [{"language": code, "name": code,
                                  "supports_formality": code in FORMALITY_TARGETS}
                                 for code in TARGETS])
        if route == ("GET", "/v2/glossary-language-pairs"):
            return _answer(200, {"supported_languages": [
                {"source_lang": s, "target_lang": t} for s, t in GLOSSARY_PAIRS]})
        if route == ("GET", "/v2/glossaries"):
            return _answer(200, {"glossaries": [_info(g) for g in self.glossaries.values()]})
        if route == ("POST", "/v2/glossaries"):
            return self._create_glossary(parsed)
        match = re.fullmatch(r"/v2/glossaries/([^/]+)", request.path)
        if match and match.group(1) in self.glossaries:
            if request.method == "DELETE":
                del self.glossaries[match.group(1)]
                return Response(status=204)
            return _answer(200, _info(self.glossaries[match.group(1)]))
        return _answer(404, {"message": "Not found"})

    def _translate(self, body: bytes, data) -> Response:
        with self._lock:
            status = self._planned_failure()
        if status:
            return _answer(status, {"message": f"planned failure {status}"})
        if len(body) > MAX_BODY:
            return _answer(413, {"message": "Request Entity Too Large"})
        texts = data.get("text") if isinstance(data, dict) else None
        if not texts or not isinstance(texts, list):
            return _answer(400, {"message": "Parameter 'text' not specified."})
        if len(texts) > MAX_TEXTS:
            return _answer(400, {"message": "Too many texts, at most 50 per request."})
        target = str(data.get("target_lang", "")).upper()
        if target not in TARGETS:
            return _answer(400, {"message": f"Value for 'target_lang' not supported: {target}"})
        if data.get("formality") in ("less", "more") and target not in FORMALITY_TARGETS:
            return _answer(400, {"message": "'formality' is not supported for given "
                                            "'target_lang'."})
        glossary = data.get("glossary_id")
        if glossary is not None and glossary not in self.glossaries:
            return _answer(400, {"message": "Invalid glossary_id"})
        out = []
        for text in texts:
            out.append({"detected_source_language": data.get("source_lang", "TR"),
                        "text": self.translator(text, target), "billed_characters": billable(text)})
        with self._lock:
            self.successes += 1
            self.character_count += sum(item["billed_characters"] for item in out)
        return _answer(200, {"translations": out})

    def _planned_failure(self) -> int | None:
        if self.fail_next:
            return self.fail_next.pop(0)
        if self.fail_after is not None and self.successes >= self.fail_after[0]:
            return self.fail_after[1]
        if self.character_count >= self.character_limit:
            return 456
        return None

    def _create_glossary(self, data) -> Response:
        if not isinstance(data, dict) or data.get("entries_format") not in ("tsv", "csv"):
            return _answer(400, {"message": "Invalid glossary"})
        separator = "\t" if data["entries_format"] == "tsv" else ","
        entries = dict(line.split(separator, 1) for line in data["entries"].splitlines() if line)
        glossary = {"glossary_id": str(uuid.uuid4()), "name": data["name"], "ready": True,
                    "source_lang": data["source_lang"].lower(),
                    "target_lang": data["target_lang"].lower(),
                    "creation_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "entry_count": len(entries), "entries": entries}
        self.glossaries[glossary["glossary_id"]] = glossary
        return _answer(201, _info(glossary))


def _info(glossary: dict) -> dict:
    return {key: value for key, value in glossary.items() if key != "entries"}


def _answer(status: int, payload) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")
