"""Languages of the pages: Bahasa Indonesia by default, English by `?lang=en`, a cookie or Accept-Language.

Message ids are English; the Indonesian catalogue lives in `translations/id`.
Also here: the words for the domain's values (groups, stances, outcomes ...)
and the reason a refused step shows next to its control.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, request
from flask_babel import Babel, LazyString, get_locale, gettext
from flask_babel import lazy_gettext as _l

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LANGUAGE_COOKIE = "mufakat_lang"
ONE_YEAR = 365 * 24 * 3600


def select_language() -> str:
    """`?lang=` first (and remembered in a cookie), then the cookie, then Accept-Language; else Indonesian."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        g.mufakat_new_language = asked
        return asked
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def _remember_language(response: Response) -> Response:
    chosen = g.get("mufakat_new_language")
    if chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    if request.blueprint in ("portal", "console"):
        response.headers["Content-Language"] = current_language()
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def current_language() -> str:
    """The language of the page being rendered."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def init_babel(app: Flask) -> None:
    """Flask-Babel with our catalogue and language choice."""
    from service.http.web.site import HERE

    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(HERE / "translations"))
    Babel(app, locale_selector=select_language)
    app.after_request(_remember_language)
    app.jinja_env.globals.update(
        words=words, current_language=current_language, language_url=language_url, LANGUAGES=LANGUAGES
    )


def language_url(language: str) -> str:
    """This page in another language: the same path and query, with `lang` set."""
    query = {key: value for key, value in request.args.items() if key != "lang"}
    return f"{request.path}?{urlencode({**query, 'lang': language})}"


WORDS: dict[str, LazyString] = {
    # groups
    "resident": _l("residents"),
    "women": _l("women"),
    "youth": _l("youth"),
    "elderly": _l("elderly"),
    "disability": _l("persons with disabilities"),
    "indigenous": _l("indigenous community"),
    "vulnerable": _l("vulnerable households"),
    "government": _l("village government"),
    "ngo": _l("NGO"),
    "private": _l("private sector"),
    "academic": _l("academia"),
    "donor": _l("donor"),
    "other": _l("other"),
    # genders
    "female": _l("female"),
    "male": _l("male"),
    "undisclosed": _l("not stated"),
    # contributions
    "support": _l("support"),
    "concern": _l("concern"),
    "question": _l("question"),
    "information": _l("information"),
    # objections
    "unresolved": _l("unresolved"),
    "addressed": _l("addressed"),
    "withdrawn": _l("withdrawn"),
    "overruled": _l("overruled"),
    # stances and ballots
    "agree": _l("agree"),
    "abstain": _l("abstain"),
    "disagree": _l("disagree"),
    "block": _l("block"),
    "yes": _l("yes"),
    "no": _l("no"),
    # results and outcomes
    "reached": _l("consensus reached"),
    "not_reached": _l("consensus not reached"),
    "passed": _l("passed"),
    "failed": _l("not passed"),
    "adopted": _l("adopted"),
    "rejected": _l("rejected"),
    "deferred": _l("deferred"),
    "consensus": _l("by consensus"),
    "vote": _l("by vote"),
    "none": _l("decided without consensus or vote"),
    # statuses
    "open": _l("open"),
    "closed": _l("closed"),
    "scheduled": _l("scheduled"),
    "decided": _l("decided"),
    "public": _l("public"),
    "restricted": _l("restricted"),
    "in_mediation": _l("in mediation"),
    "agreed": _l("agreed"),
    "escalated": _l("escalated"),
    "dropped": _l("dropped"),
    # to whom a dispute is escalated
    "bpd": _l("the BPD"),
    "camat": _l("the camat"),
    "police": _l("the police"),
    "court": _l("a court"),
    # steps whose text may be corrected, and their texts
    "Submitted": _l("submission"),
    "Amended": _l("amendment"),
    "Contributed": _l("contribution"),
    "ObjectionRaised": _l("objection"),
    "ObjectionResolved": _l("resolution of an objection"),
    "StanceTaken": _l("stance"),
    "Decided": _l("decision"),
    "Withdrawn": _l("withdrawal"),
    "DecisionAnnulled": _l("annulment"),
    "title": _l("title"),
    "body": _l("text"),
    "text": _l("text"),
    "grounds": _l("grounds"),
    "note": _l("note"),
    "reason": _l("reason"),
    "rationale": _l("rationale"),
    "minutes": _l("minutes"),
    "notes": _l("notes"),
    "agenda": _l("agenda"),
    "description": _l("description"),
    "owner": _l("owner"),
    "indicators": _l("indicators"),
    "location": _l("location"),
    "chair": _l("chair"),
    "secretary": _l("secretary"),
    "signatories": _l("signatories"),
    # tokens
    "valid": _l("valid"),
    "revoked": _l("revoked"),
    "expired": _l("expired"),
    "name": _l("name"),
    "role": _l("role"),
    "processes": _l("processes"),
    "expires_at": _l("valid until"),
    # the rules of a process, as the opening form names them
    "rules_consensus": _l("when there is consensus"),
    "rules_quorum": _l("quorum"),
    "rules_vote_fallback": _l("when musyawarah finds no consensus"),
    "rules_vote_threshold": _l("a vote passes with"),
    "rules_vote_without_check": _l("a vote without a consensus check"),
    "rules_legal_basis": _l("legal basis"),
    # assessments (kajian): methods and kinds of finding
    "survey": _l("survey"),
    "interview": _l("interview"),
    "fgd": _l("focus group discussion (FGD)"),
    "observation": _l("field observation"),
    "mapping": _l("social mapping"),
    "transect": _l("transect walk"),
    "seasonal_calendar": _l("seasonal calendar"),
    "need": _l("need"),
    "potential": _l("potential"),
    "standing": _l("standing"),
    # roles
    "admin": _l("admin"),
    "facilitator": _l("facilitator"),
    "auditor": _l("auditor"),
    "partner": _l("partner"),
    # kinds of meeting ("fgd" and "other" are above)
    "musyawarah": _l("musyawarah"),
    "monitoring": _l("monitoring"),
    # risks of a commitment: likelihood and impact, and where a risk stands
    "low": _l("low"),
    "medium": _l("medium"),
    "high": _l("high"),
    "mitigated": _l("mitigated"),
    "occurred": _l("occurred"),
    # monitoring: complaints, partners and what they bring, the fields of their forms
    "received": _l("received"),
    "in_review": _l("in review"),
    "responded": _l("responded"),
    "resolved": _l("resolved"),
    "community": _l("community organisation"),
    "cash": _l("cash"),
    "in_kind": _l("in kind"),
    "technical": _l("technical help"),
    "percent": _l("percent done"),
    "spent": _l("money spent"),
    "indicator_values": _l("indicator values"),
    "evidence": _l("evidence files"),
    "score": _l("score"),
    "comment": _l("comment"),
    "response": _l("response"),
    "status": _l("status"),
    "amount": _l("amount"),
    "kind": _l("kind"),
    "contact": _l("contact"),
    "about": _l("what it is about"),
    "meeting_id": _l("meeting"),
    "participant_id": _l("participant"),
    "commitment_id": _l("commitment"),
    # resources a partner opens access to (offers)
    "credit": _l("credit (e.g. KUR)"),
    "market": _l("market access"),
    "technology": _l("technology"),
    "programme": _l("programme"),
    "grant": _l("grant"),
    "training": _l("training"),
    "answers": _l("needs it answers"),
}


def words(value: Any) -> str:
    """The word for a value of the domain in the page's language (the value itself when unknown)."""
    found = WORDS.get(str(value))
    return str(found) if found is not None else str(value)


REFUSALS: dict[str, LazyString] = {
    "assessment_closed": _l("This assessment is closed: it takes no more findings or evidence."),
    "evidence_not_attached": _l("That evidence file was not attached to this assessment: upload it first."),
    "finding_withdrawn": _l("This finding was withdrawn."),
    "finding_already_addressed": _l("This proposal already addresses that finding."),
    "finding_already_answered": _l("This offer already answers that need."),
    "nothing_to_forget": _l("This complaint keeps no contact to forget, or it was already forgotten."),
    "not_adopted": _l("Only an adopted proposal is forwarded to the next level."),
    "already_forwarded": _l("This proposal was already forwarded."),
    "not_the_parent": _l("A proposal is forwarded only to the process its own process belongs to."),
    "parent_not_higher": _l("A process belongs only to a process of a higher level."),
    "region_not_under_parent": _l("The region of the process does not lie within its parent's region."),
    "proposal_merged": _l("This proposal was merged into another; it goes on as that one."),
    "merge_target_not_allowed": _l("A proposal is merged only into another open proposal of the same process."),
    "no_agreement_to_seal": _l("This dispute has no agreement yet: record the agreement, then seal it."),
    "dispute_settled": _l("This dispute has ended (agreed, escalated or dropped): only a correction may follow."),
    "party_not_allowed": _l("A party is a group, a partner or a named organisation, never a person."),
    "agreement_needs_a_session": _l("An agreement comes out of mediation: record a mediation session first."),
    "respondents_counted_twice": _l("Respondents of one group and gender are counted twice."),
    "ranking_closed": _l("This ranking is already closed."),
    "evaluation_closed": _l("This evaluation is already closed."),
    "score_not_valid": _l("A score is a whole number from 1 to 5."),
    "ranking_needs_two_proposals": _l("A ranking orders at least two different proposals."),
    "ranked_text_changed": _l("A ranked proposal was amended after the ranking opened: open a new ranking."),
    "indicator_unknown": _l("This commitment has no indicator of that name, or names one indicator twice."),
    "amount_not_allowed": _l("An amount must be a decimal number, and money is never negative."),
    "evidence_missing": _l("Choose a photo (or a PDF) to send."),
    "evidence_too_large": _l("This file is too large: an evidence file may be at most 10 MB."),
    "evidence_not_accepted": _l("This file is not a JPEG or PNG photo or a PDF, or it cannot be read."),
    "complaint_closed": _l("This complaint was resolved or rejected already and takes no more responses."),
    "unresolved_blocking_objection": _l(
        "A blocking objection is still unresolved: it must be addressed, withdrawn or overruled first."
    ),
    "quorum_not_met": _l("Quorum is not met: too few of those invited are present."),
    "not_attending": _l("This participant is not on the attendance list of the meeting."),
    "not_registered": _l("This participant is not registered in the process."),
    "meeting_not_open": _l("The meeting is not open."),
    "meeting_already_opened": _l("The meeting was already opened."),
    "meeting_not_closed": _l("The berita acara is sealed after the meeting closes."),
    "minutes_not_latest": _l("Someone sealed this berita acara meanwhile; reload the page to see it."),
    "check_not_open": _l("This consensus check is already closed."),
    "vote_not_open": _l("This vote is already closed."),
    "already_resolved": _l("This objection was already resolved."),
    "process_closed": _l("The process is closed: nothing more can be recorded in it."),
    "participant_forgotten": _l("This participant's data was erased; they can no longer act."),
    "ballot_already_cast": _l("This participant has already voted."),
    "adoption_needs_consensus_or_vote": _l("Adoption needs a consensus reached or a vote passed first."),
    "proposal_not_adopted": _l("Commitments can only be made on an adopted proposal."),
    "proposal_already_decided": _l("This proposal has already been decided."),
    "commitment_already_completed": _l("This commitment is already complete."),
    "consensus_not_reached": _l("Consensus was not reached."),
    "no_check_on_this_text": _l("No consensus check has been held on this text: hold one first."),
    "no_consensus_to_reject": _l("The latest consensus check shows no consensus to reject this proposal."),
    "vote_not_passed": _l("The vote did not pass."),
    "no_vote_on_this_text": _l("No vote has been held on this text: hold one first."),
    "vote_passed": _l("The vote passed: the proposal is not rejected by vote."),
    "vote_fallback_not_allowed": _l("The rules of this process do not allow a vote."),
    "check_or_vote_open": _l("A consensus check or vote is still open: close it before deciding."),
    "consensus_not_attempted": _l(
        "Musyawarah first: a vote needs a consensus check on the current text that did not reach consensus."
    ),
    "text_changed_since_check": _l("The text changed after the last check or vote: hold a new one on this text."),
    "occurred_out_of_order": _l("This cannot have happened before the step it depends on."),
    "proposal_withdrawn": _l("This proposal was withdrawn: nothing more can be recorded on it."),
    "proposal_not_decided": _l("This proposal has no decision to annul."),
    "nothing_to_correct": _l("There is no such text at that version to correct."),
    "nothing_to_redact": _l("There is no such statement at that version to redact, or it is already redacted."),
    "value_not_allowed": _l("A value is not allowed here."),
    "not_found": _l("Not found, or not visible to you."),
    "forbidden": _l("Your token may not do this in this process."),
    "version_mismatch": _l("Someone changed this meanwhile; reload the page and try again."),
    "idempotency_key_reused": _l("This form was already sent with other values; reload the page."),
    "too_much_contention": _l("Too many writes at once; try again."),
    "validation_failed": _l("Some fields are missing or not valid."),
    "occurred_at_invalid": _l("The time it happened is not valid."),
    "occurred_in_future": _l("The time it happened is in the future."),
    "statement_names_a_participant": _l(
        "This text names a registered participant, and outsiders would read it. Leave the name out, or tick "
        "the box if the name may be shown in public (an official acting in office)."
    ),
    "token_not_valid": _l("This token is revoked or expired: it signs nobody in."),
    "unauthorized": _l("Please sign in again."),
    "csrf": _l("The form expired; reload the page and try again."),
    "meeting_not_a_training": _l("Only a training is evaluated by its attendees as a training."),
    "risk_closed": _l("This risk was closed at an earlier review: record a new risk if it returns."),
}


def refusal(code: str) -> str:
    """Why a step was refused, in the page's language."""
    found = REFUSALS.get(code)
    return str(found) if found is not None else gettext("This step was refused (%(code)s).", code=code)


DECISIONS: dict[tuple[str, str], LazyString] = {
    ("adopted", "consensus"): _l("adopted by consensus"),
    ("adopted", "vote"): _l("adopted by vote"),
    ("rejected", "consensus"): _l("rejected by consensus"),
    ("rejected", "vote"): _l("rejected by vote"),
    ("rejected", "none"): _l("rejected without consensus or vote"),
    ("deferred", "consensus"): _l("deferred by consensus"),
    ("deferred", "vote"): _l("deferred by vote"),
    ("deferred", "none"): _l("deferred without consensus or vote"),
}


def decision_words(outcome: str, method: str) -> str:
    """A decision as one phrase: adopted by vote reads "diterima melalui pemungutan suara", not "disepakati"."""
    found = DECISIONS.get((outcome, method))
    return str(found) if found is not None else f"{words(outcome)} {words(method)}"
