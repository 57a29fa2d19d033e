"""Who signed, really: after a full journey through the gateway (drafts, a comment, a rating, adopted versions, a
signature confirmed from its mailed link, a barrier and a solution with edits, an endorsement, flags and
moderation, a running pilot with a milestone and a report, a watch list), no page names a person or an
organisation by an id fragment or a bare UUID, signed in or not, and every JSON reply that holds a person's
account id names them beside it. Nor does any page show the code's words: an ISO date, an event name, a code word
of the published vocabulary or "1 pilots" (tests/e2e/raw_values.py)."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import pytest

from .clients import ADMINS, PageReader, Response, WebClient
from .naming import ID_FRAGMENT, UUID, id_fragments, text_of, unnamed_organisations, unnamed_people
from .pilot_steps import RunningPilot, running_pilot
from .raw_values import raw_values
from .test_people import named_person

AUTHOR, REMIXER = "Robin Okafor", "Dana Ilesanmi"
ORGANISATION = "Kirklees & District Council"


@dataclass
class Journey:
    """What the journey made, and everyone in it by account id and display name."""

    author: WebClient
    remixer: WebClient
    steward: WebClient
    moderator: WebClient
    charter_id: str
    drafts: tuple[str, str]
    signature_id: str
    organisation_ids: tuple[str, ...]
    confirm_link: str
    withdraw_link: str
    barrier_id: str
    solution_id: str
    pilot: RunningPilot
    names: dict[str, str] = field(default_factory=dict)


def written(r: Response) -> str:
    """The consistency token of an accepted write (201, or 200 for an update such as a rating)."""
    assert r.status in (200, 201), r.body
    return r.body["consistency_token"]


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@pytest.fixture(scope="module")
def journey(stack, settings) -> Journey:
    web = WebClient(f"http://{settings.host}:{settings.gateway_port}")
    author, remixer = named_person(web, AUTHOR), named_person(web, REMIXER)
    steward, moderator = web.as_user("steward"), web.as_user("moderator")
    tokens: list[str] = []

    charter_id = steward.create_charter(title="Charter of the full journey").body["charter_id"]
    first = author.propose_draft(charter_id, "We will open our data.", title="Open data first")
    tokens += [written(first), written(remixer.comment_on_draft(first.body["draft_id"], "Say which data.")),
               written(remixer.rate_draft(first.body["draft_id"], 4))]
    tokens.append(written(steward.adopt_draft(charter_id, first.body["draft_id"])))
    written(steward.open_round(charter_id, (datetime.now(UTC) + timedelta(days=7)).isoformat()))
    remix = remixer.remix_drafts(charter_id, (first.body["draft_id"],), "We will open our data and our diaries.",
                                 title="Open data and diaries")
    tokens.append(written(remix))
    drafts = (first.body["draft_id"], remix.body["draft_id"])
    tokens.append(written(author.rate_draft(drafts[1], 5)))
    tokens.append(written(steward.adopt_draft(charter_id, drafts[1])))

    signer = web.anonymous().from_address(f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7")
    signed = signer.sign_charter(charter_id, 2, ORGANISATION, f"ceo-{uuid.uuid4().hex[:8]}@example.org",
                                 signatory="Chris Exec")
    tokens.append(written(signed))
    signature_id = signed.body["signature_id"]
    links = signer.read_verification_link(signature_id).body
    tokens.append(written(signer.follow_verification_link(signature_id)))
    tokens.append(written(steward.request("POST", f"/api/v1/signatures/{signature_id}/assurance",
                                          {"method": "Phoned the chief executive's office"})))
    calderdale = remixer.request("POST", "/api/v1/organisations", {"name": "Calderdale Council",
                                                                   "organisation_type": "council"})
    domain = f"calderdale-{uuid.uuid4().hex[:6]}.gov.uk"
    tokens += [written(calderdale), written(steward.request(
        "POST", f"/api/v1/organisations/{quote(calderdale.body['organisation_id'])}/domains",
        {"domain": domain, "evidence": "DNS TXT record checked"}))]
    remixer.wait_until_read(*tokens)
    own = remixer.sign_charter(charter_id, 2, "Calderdale Council", f"dana@{domain}", signatory=REMIXER,
                               role="head of digital")
    tokens += [written(own), written(remixer.follow_verification_link(own.body["signature_id"]))]

    barrier = author.propose_barrier(f"Barrier {uuid.uuid4().hex[:8]}", "Shared drives are blocked.")
    barrier_id = barrier.body["barrier_id"]
    author.wait_until_read(written(barrier))
    tokens.append(written(remixer.edit_barrier(barrier_id, 1, title="Shared drives", description="Blocked, mostly.")))
    solution = author.propose_solution("A shared drive per team", "Ask IT for one drive per team.", (barrier_id,),
                                       organisations=(ORGANISATION,))
    solution_id = solution.body["solution_id"]
    author.wait_until_read(written(solution))
    tokens.append(written(remixer.request("POST", f"/api/v1/solutions/{solution_id}/edits", {
        "based_on_revision": 1, "title": "A shared drive per team", "body": "Ask IT for one drive per team, today.",
        "barrier_ids": [barrier_id], "organisations": [ORGANISATION]})))
    tokens.append(written(remixer.endorse(f"barriers/{barrier_id}", ORGANISATION)))
    comment = author.comment_on_page(f"barriers/{barrier_id}", "We have this too.")
    tokens.append(written(comment))
    tokens.append(written(remixer.comment_on_page(f"solutions/{solution_id}", "Rude words here.")))

    tokens.append(written(remixer.flag(f"barriers/{barrier_id}", "looks like spam to me")))  # stays open
    dismissed = author.flag(f"solutions/{solution_id}", "is this spam?")
    tokens.append(written(moderator.dismiss_flag(f"solutions/{solution_id}", dismissed.body["flag_id"],
                                                 "A real solution")))
    spam = remixer.comment_on_page(f"barriers/{barrier_id}", "Buy cheap watches")
    moderator.wait_until_read(written(spam))
    tokens.append(written(moderator.hide_comment(f"barriers/{barrier_id}", spam.body["comment_id"], "spam")))

    pilot = running_pilot(web, steward, barrier_id)
    lead = pilot.lead
    milestone = lead.add_milestone(pilot.pilot_id, "Staff survey", "2025-03-01")
    tokens.append(written(milestone))
    tokens.append(written(lead.mark_milestone_done(pilot.pilot_id, milestone.body["milestone_id"], "2025-03-02")))
    tokens.append(written(lead.report_progress(pilot.pilot_id, "Teams share drives now.", reported_on="2025-03-03",
                                               metrics=[{"name": "teams sharing", "value": 3, "unit": "teams"}])))
    tokens.append(written(lead.move_barrier(pilot.pilot_id, barrier_id, "in_progress", "Talking to IT")))

    for page in (f"barriers/{barrier_id}", f"solutions/{solution_id}"):
        assert moderator.watch_page(page).status in (200, 201)
        assert remixer.watch_page(page).status in (200, 201)
    web.wait_until_read(*tokens, pilot.token)

    people = (author, remixer, steward, moderator, lead)
    organisations = tuple(web.request("GET", "/api/v1/organisations", q=name).body["items"][0]["organisation_id"]
                          for name in (ORGANISATION, "Calderdale Council", pilot.organisation))
    return Journey(author, remixer, steward, moderator, charter_id, drafts, signature_id, organisations,
                   path_of(links["link"]), path_of(links["withdrawal_link"]), barrier_id, solution_id, pilot,
                   {p.actor: p.display_name() for p in people})


def public_pages(j: Journey) -> list[str]:
    """Every page of the journey that anyone may open."""
    barrier, solution, actors = f"/barriers/{j.barrier_id}", f"/solutions/{j.solution_id}", j.names
    return ["/", "/charters", f"/charters/{j.charter_id}", f"/charters/{j.charter_id}?round=1",
            f"/drafts/{j.drafts[0]}", f"/drafts/{j.drafts[1]}", f"/drafts/{j.drafts[1]}?against={j.drafts[0]}",
            f"/charters/{j.charter_id}/sign", f"/charters/{j.charter_id}/signatories",
            f"/signatures/{j.signature_id}", j.confirm_link, j.withdraw_link, f"/signatures/{j.signature_id}/new-links",
            "/knowledge", "/knowledge?kind=solution", "/knowledge/search?q=shared+drive", "/knowledge/changes",
            barrier, solution, f"{barrier}/history", f"{solution}/history", f"{barrier}/diff?from=1&to=2",
            f"{solution}/diff?from=1&to=2", "/pilots", f"/pilots/{j.pilot.pilot_id}", "/sign-in", "/sign-up",
            "/organisations", "/organisations?q=council", *(f"/organisations/{quote(o)}" for o in j.organisation_ids),
            *(f"/people/{actor}" for actor in actors)]


def signed_in_pages(j: Journey) -> list[str]:
    """The journey's pages that need an account, and a moderator's."""
    return ["/account", "/account/signatures", "/knowledge/watchlist", "/moderation",
            f"/charters/{j.charter_id}/drafts/new", "/barriers/new", "/solutions/new", f"/barriers/{j.barrier_id}/edit",
            f"/solutions/{j.solution_id}/edit"]


def assert_names_no_one_by_id(reader: PageReader, paths: list[str]) -> None:
    """Each page opens, and its text shows no id fragment and no bare UUID."""
    problems = []
    for path in paths:
        page = reader.open(path)
        text = " ".join(text_of(page.body).split())
        found = [text[max(m.start() - 60, 0):m.end() + 20] for shape in (ID_FRAGMENT, UUID)
                 for m in shape.finditer(text)]
        problems += [(path, page.status)] if page.status != 200 else [(path, shown) for shown in found]
    assert not problems, "\n".join(f"{path}: {shown}" for path, shown in problems)


def test_no_page_of_the_journey_shows_an_id_fragment_or_a_bare_uuid_to_a_moderator(journey):
    reader = PageReader.signed_in(journey.moderator)

    assert_names_no_one_by_id(reader, public_pages(journey) + signed_in_pages(journey))

    moderation = text_of(reader.open("/moderation").body)
    assert REMIXER in moderation and journey.names[journey.moderator.actor] in moderation
    assert "Approved by " in reader.open(f"/pilots/{journey.pilot.pilot_id}").body
    signatories = text_of(reader.open(f"/charters/{journey.charter_id}/signatories").body)
    assert "Kirklees &amp; District Council" in signatories and "Chris Exec" in signatories
    calderdale = text_of(reader.open(f"/organisations/{quote(journey.organisation_ids[1])}").body)
    assert f"verified by {journey.names[journey.steward.actor]}" in " ".join(calderdale.split())


def test_no_page_of_the_journey_shows_an_id_fragment_or_a_bare_uuid_to_someone_not_signed_in(journey):
    reader = PageReader(journey.author.base_url)

    assert_names_no_one_by_id(reader, public_pages(journey))

    turned_away = [(path, r.status, r.headers.get("Location", "")) for path in signed_in_pages(journey)
                   for r in [reader.open(path)]]
    assert all(status == 303 and "/sign-in" in to for _, status, to in turned_away), turned_away
    draft = text_of(reader.open(f"/drafts/{journey.drafts[1]}").body)
    assert REMIXER in draft
    history = text_of(reader.open(f"/barriers/{journey.barrier_id}/history").body)
    assert AUTHOR in history and REMIXER in history


def test_a_signatory_s_own_pages_show_no_id_fragment_or_bare_uuid_and_name_what_they_signed(journey):
    reader = PageReader.signed_in(journey.remixer)

    assert_names_no_one_by_id(reader, ["/account", "/account/signatures", "/knowledge/watchlist"])

    mine = text_of(reader.open("/account/signatures").body)
    assert "Calderdale Council" in mine and "Charter of the full journey" in mine


def test_the_stewards_and_the_admins_pages_show_no_id_fragment_or_bare_uuid(journey):
    admin = WebClient.of(journey.author.base_url, ADMINS[journey.author.base_url])

    assert_names_no_one_by_id(PageReader.signed_in(journey.steward), ["/stewardship"])
    assert_names_no_one_by_id(PageReader.signed_in(admin), ["/admin", f"/admin/accounts/{journey.author.actor}",
                                                            "/admin/system"])


def finished_pilot(j: Journey) -> str:
    """A second pilot of the journey's barrier, completed, its outcome recorded by its lead and verified by a steward
    who did not approve it; its id."""
    pilot = running_pilot(j.steward, j.steward, j.barrier_id)
    assert pilot.lead.complete_pilot(pilot.pilot_id).status == 201
    assert pilot.lead.record_outcome(pilot.pilot_id, completion="not_started").status == 201
    verified = j.steward.as_user("steward").verify_outcome(pilot.pilot_id, "Checked with the sponsor")
    j.steward.wait_until_read(written(verified))
    return pilot.pilot_id


def test_no_page_of_the_journey_shows_a_raw_date_event_name_code_word_or_1_with_a_plural(journey):
    finished = f"/pilots/{finished_pilot(journey)}"
    admin = WebClient.of(journey.author.base_url, ADMINS[journey.author.base_url])
    readers = [(PageReader.signed_in(journey.moderator), public_pages(journey) + signed_in_pages(journey) + [finished]),
               (PageReader.signed_in(journey.steward), ["/stewardship", f"/pilots/{journey.pilot.pilot_id}"]),
               (PageReader.signed_in(journey.pilot.lead), [f"/pilots/{journey.pilot.pilot_id}", "/pilots/new"]),
               (PageReader.signed_in(admin), ["/admin", f"/admin/accounts/{journey.author.actor}"])]
    problems = []

    for reader, paths in readers:
        for path in paths:
            page = reader.open(path)
            problems += [f"{path}: {page.status}"] if page.status != 200 else [
                f"{path}: {shown}" for shown in raw_values(text_of(page.body))]

    assert not problems, "\n".join(problems)


def api_replies(j: Journey) -> list[tuple[WebClient, str]]:
    """The JSON read routes of the journey, with who reads each: a moderator, and the signatory their own."""
    barrier, solution, pilot = f"/api/v1/barriers/{j.barrier_id}", f"/api/v1/solutions/{j.solution_id}", \
        f"/api/v1/pilots/{j.pilot.pilot_id}"
    charter = f"/api/v1/charters/{j.charter_id}"
    moderators = ["/api/v1/charters", charter, f"{charter}/versions", f"{charter}/versions/1", f"{charter}/versions/2",
            f"{charter}/drafts/ranked", f"/api/v1/drafts/{j.drafts[0]}", f"/api/v1/drafts/{j.drafts[1]}",
            f"/api/v1/drafts/{j.drafts[1]}/diff/{j.drafts[0]}", f"/api/v1/drafts/{j.drafts[1]}/credits",
            f"/api/v1/participants/{j.author.actor}/drafts", f"/api/v1/participants/{j.remixer.actor}/ratings",
            f"{charter}/signatories", f"{charter}/signatories/counts", f"{charter}/signatories/timeline",
            "/api/v1/organisations", *(f"/api/v1/organisations/{quote(o)}" for o in j.organisation_ids),
            "/api/v1/barriers", "/api/v1/solutions", barrier, solution, f"{barrier}/history", f"{solution}/history",
            f"{barrier}/revisions/2", f"{barrier}/diff?from=1&to=2", f"{solution}/diff?from=1&to=2",
            "/api/v1/search?q=shared", "/api/v1/moderation-log", "/api/v1/flags", "/api/v1/flags?status=dismissed",
            "/api/v1/recent-changes", f"/api/v1/watchlists/{j.moderator.actor}", "/api/v1/pilots", pilot,
            f"{pilot}/metrics", "/api/v1/pilots/figures", *(f"/api/v1/people/{actor}" for actor in j.names)]
    own = ["/api/v1/session", "/api/v1/account/signatures", f"/api/v1/watchlists/{j.remixer.actor}"]
    return [(j.moderator, path) for path in moderators] + [(j.remixer, path) for path in own]


def test_every_api_reply_of_the_journey_names_each_person_and_organisation_it_holds_by_id(journey):
    problems = []
    for reader, path in api_replies(journey):
        r = reader.request("GET", path)

        problems += [f"{path}: {r.status} {r.body}"] if r.status != 200 else [
            f"{path}: {problem}" for problem in (*unnamed_people(r.body, journey.names),
                                                 *unnamed_organisations(r.body), *id_fragments(r.body))]
    assert not problems, "\n".join(problems)


def test_the_atom_feeds_name_the_authors_and_the_watcher_by_name(journey):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = urlsplit(journey.remixer.read_watchlist().body["feed"])
    recent = ET.fromstring(journey.moderator.download("/api/v1/recent-changes/feed").body)
    watched = ET.fromstring(journey.remixer.download(f"{feed.path}?{feed.query}").body)

    for shown in (recent, watched):
        people = [e.text or "" for e in shown.iter(f"{atom}name")]
        titles = [e.text or "" for e in shown.iter(f"{atom}title")]
        assert {AUTHOR, REMIXER} <= set(people), people
        assert not [t for t in people + titles if UUID.search(t) or ID_FRAGMENT.search(t)], people + titles
    assert watched.findtext(f"{atom}title") == f"Interactive Charter: pages {REMIXER} watches"


def test_the_api_names_the_people_of_the_journey_by_the_names_they_chose(journey):
    draft = journey.moderator.request("GET", f"/api/v1/drafts/{journey.drafts[1]}").body
    history = journey.moderator.request("GET", f"/api/v1/barriers/{journey.barrier_id}/history").body
    log = journey.moderator.read_moderation_log(limit="100").body

    assert draft["author_person"]["name"] == REMIXER
    assert {r["author_person"]["name"] for r in history["items"]} == {AUTHOR, REMIXER}
    assert journey.names[journey.moderator.actor] in {d["moderator_person"]["name"] for d in log["items"]
                                                      if "moderator_person" in d}
