"""Guards derived from the code, never from hand-kept lists: whatever a developer adds, the words and forms that
go with it are found missing here, not by a facilitator.

- every refusal code (the domain's broken rules, walked from `RuleBroken`'s subclasses, and the application's
  own refusals, walked from `domain` and `service.app`) has its sentence in the console's refusal table;
- every sentence a broken rule is raised with in `domain` and `service` (found by reading the source) is in the
  API's Indonesian catalogue, as it is or through one of its templates, and so is the title of a broken rule;
- every step the API offers (the POST routes of its flask-smorest blueprints) has its console form, or is in
  `steps.API_ONLY` with the reason it has none.

The event registry has its own derived guard (tests/integration/projections/test_event_registry.py), and every
event's audit fields theirs (tests/unit/test_audit_fields.py).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import domain
import service
import service.app
from domain.deliberation import ConsensusCheck, Vote
from domain.errors import RuleBroken
from service.http.app_factory import create_app
from service.http.i18n import translate
from service.http.web.i18n import REFUSALS
from service.http.web.steps import API_ONLY, STEPS

ROOT = Path(__file__).resolve().parents[2]
#: Refusal codes the console can never meet, each with why.
REFUSALS_THE_CONSOLE_NEVER_MEETS = {
    "token_not_replayable": "only a retried request for a new token meets it, and tokens are issued over the API",
}
#: Functions of `domain.errors` that build a refusal's sentence around a phrase (`what`) given by their caller.
PHRASE_TAKERS = {"ensure_not_before": 2, "ensure_not_after": 2, "ensure_during": 1}


def _modules(*packages: ModuleType) -> Iterator[ModuleType]:
    for package in packages:
        for found in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            yield importlib.import_module(found.name)


def broken_rules() -> set[type[RuleBroken]]:
    """Every kind of broken rule: the subclasses of `RuleBroken`, at any depth."""

    def below(cls: type[RuleBroken]) -> set[type[RuleBroken]]:
        return {found for sub in cls.__subclasses__() for found in {sub, *below(sub)}}

    return below(RuleBroken)


def refusal_codes() -> set[str]:
    """The code of every refusal a client can receive from a step: the domain's broken rules and every exception
    of `domain` and `service.app` that carries its own `code`."""
    codes = {rule.code for rule in broken_rules()}
    for module in _modules(domain, service.app):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == module.__name__:
                code = vars(value).get("code")
                if isinstance(code, str):
                    codes.add(code)
    return codes - {RuleBroken.code}


#: The kinds of round (`domain.round.RoundKind`): a sentence built from `self.kind.<word>` reads once per kind.
ROUND_KINDS = (ConsensusCheck.kind, Vote.kind)


def _round_word(part: ast.expr) -> str | None:
    """The attribute of a round's kind an interpolated part reads (`{self.kind.name}` -> "name"), else None."""
    value = part.value if isinstance(part, ast.FormattedValue) else None
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Attribute) and value.value.attr == "kind":
        return value.attr
    return None


def _samples(node: ast.expr) -> list[str]:
    """A sentence as it is built at run time: a round's words once for each kind of round, any other interpolated
    part standing as `7`; none when the sentence is not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if not isinstance(node, ast.JoinedStr):
        return []
    if not any(_round_word(part) for part in node.values):
        return ["".join(part.value if isinstance(part, ast.Constant) else "7" for part in node.values)]
    return [
        "".join(
            str(part.value) if isinstance(part, ast.Constant) else str(getattr(kind, _round_word(part) or "", "7"))
            for part in node.values
        )
        for kind in ROUND_KINDS
    ]


def raised_sentences() -> list[tuple[str, str]]:
    """(where, sentence) of every broken rule raised with a literal sentence, and of every phrase given to a
    function that builds one, in the source of `domain` and `service`."""
    rule_names = {rule.__name__ for rule in broken_rules()}
    found = []
    for path in sorted([*(ROOT / "domain").rglob("*.py"), *(ROOT / "service").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in rule_names and node.args:
                argument: ast.expr | None = node.args[0]
            elif name in PHRASE_TAKERS:
                index = PHRASE_TAKERS[name]
                keyword = [k.value for k in node.keywords if k.arg == "what"]
                argument = node.args[index] if len(node.args) > index else (keyword[0] if keyword else None)
            else:
                continue
            for sentence in _samples(argument) if argument is not None else []:
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", sentence))
    return found


SENTENCES = raised_sentences()


def test_the_walks_find_the_refusals_of_the_domain_and_of_the_application() -> None:
    codes = refusal_codes()

    assert {"unresolved_blocking_objection", "occurred_out_of_order", "vote_passed"} <= codes
    assert {"not_found", "forbidden", "version_mismatch", "statement_names_a_participant"} <= codes
    assert len(SENTENCES) >= 60
    assert any(where.startswith("domain/proposal.py") for where, _ in SENTENCES)
    # A sentence built from a round's words is checked once for each kind of round.
    assert {"its consensus check opened", "its vote opened", "its latest stance", "its latest ballot"} <= {
        sentence for _, sentence in SENTENCES
    }


def test_every_refusal_code_is_its_own() -> None:
    codes = [rule.code for rule in broken_rules()]

    assert sorted(code for code in codes if codes.count(code) > 1) == []
    assert [code for code in codes if not re.fullmatch(r"[a-z]+(_[a-z]+)*", code)] == []


def test_every_refusal_code_has_its_words_in_the_console() -> None:
    """Each code of a broken rule or of the application's refusals has its sentence in the console's refusal
    table (in the page's language: tests/e2e/test_page_catalogues.py holds every sentence's Indonesian)."""
    missing = refusal_codes() - set(REFUSALS) - set(REFUSALS_THE_CONSOLE_NEVER_MEETS)

    assert sorted(missing) == []


def test_a_broken_rule_is_titled_in_bahasa_indonesia() -> None:
    assert translate("A rule of the process was broken", "id") == "Aturan proses dilanggar"


@pytest.mark.parametrize(("where", "sentence"), SENTENCES, ids=[f"{where} {sentence}" for where, sentence in SENTENCES])
def test_every_sentence_a_rule_is_broken_with_has_its_bahasa_indonesia(where: str, sentence: str) -> None:
    assert translate(sentence, "id") != sentence, f"{where}: add it (or its template) to api.po"


def post_routes() -> dict[str, str]:
    """Every POST route of the API, by endpoint, with the source of the view that answers it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "guard-walk"})  # no session key made in the working directory
    routes = {}
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or set()) and rule.rule.startswith("/api/"):
            view = app.view_functions[rule.endpoint]
            answering = getattr(view, "view_class", None)
            routes[rule.endpoint] = inspect.getsource(answering.post if answering is not None else view)
    return routes


@pytest.fixture(scope="module")
def routes() -> dict[str, str]:
    """The API's POST routes (an application built once for this module, with no ledger opened)."""
    return post_routes()


def test_the_walk_finds_every_step_the_api_offers(routes: dict[str, str]) -> None:
    assert {"proposals.Contributions", "consensus.Ballots", "minutes.MinutesSealing", "tokens.Tokens"} <= set(routes)


def test_every_step_the_api_offers_has_its_console_form_or_a_reason_it_has_none(routes: dict[str, str]) -> None:
    console = {step.use_case for step in STEPS.values()}

    def has_a_form(source: str) -> bool:
        return any(called in console for called in re.findall(r"\.(\w+\.\w+)\(", source))

    without = [endpoint for endpoint, source in routes.items() if not has_a_form(source)]

    assert sorted(set(without) - set(API_ONLY)) == []
    assert sorted(set(API_ONLY) - set(without)) == [], "an API-only step that has a form now, or no longer exists"
    assert all(len(reason) > 20 for reason in API_ONLY.values())
