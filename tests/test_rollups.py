"""The count tables kept in step with writes always agree with a rebuild from raw rows."""
import datetime

import peewee
import pytest

from widget_server import rollups
from widget_server.alert_models import Delivery, Webhook
from widget_server.models import Answer, Site

from .helpers import follow_up, snapshot, store, store_impression


def answer(site, key, touchpoint="kb-article", scale="agreement7", score=2, days_ago=0, **fields):
    created, _ = store(site, {"key": f"{key:0>20}", "touchpoint": touchpoint, "scale": scale,
                                      "score": score, **fields})
    if days_ago:
        # Spread over days as real traffic is; moved before the counts are compared with a rebuild.
        moved = created.created_at - datetime.timedelta(days=days_ago)
        Answer.update(created_at=moved).where(Answer.id == created.id).execute()
    return created


def test_counts_kept_in_step_agree_with_a_rebuild(app, site):
    other = Site.create_with_key("Other", ["https://other.example"])
    answer(site, "a", score=1, ref="kb-1", reasons=["not-found"])
    answer(site, "b", score=7, ref="kb-1", comment="great")
    answer(site, "c", "chatbot-exit", "effort5", 5, ref="conv-1", agent="nora-bot", reasons=["repeat", "transfer"])
    answer(site, "d", "chatbot-exit", "effort5", 1, ref="conv-2", agent="nora-bot")
    answer(site, "e", "self-service", "ease5", 3, ref="/orders")
    answer(other, "f", "returns", "ease5", 1, ref="/returns", agent="desk-7")
    difficult = answer(site, "g", score=2, ref="kb-2", reasons=["unclear"])
    follow_up(difficult, reasons=["not-found", "channel"], comment="twice")
    easy = answer(site, "h", score=6, ref="kb-2")
    follow_up(easy, reasons=["unclear"])  # reasons on an easy answer are stored, not counted
    for touchpoint in ("kb-article", "kb-article", "chatbot-exit", "returns"):
        store_impression(site if touchpoint != "returns" else other, {"touchpoint": touchpoint, "ref": "x"})

    kept = snapshot()
    rollups.rebuild()

    assert snapshot() == kept
    assert sum(row.answers for row in rollups.ScoreCount.select()) == Answer.select().count() == 8
    reasons = {(row.kind, row.name, row.reason): row.answers for row in rollups.ReasonCount.select()
               if row.answers and row.kind != "all"}
    assert reasons == {
        ("place", "kb-1", "not-found"): 1, ("place", "kb-2", "not-found"): 1, ("place", "kb-2", "channel"): 1,
        ("place", "nora-bot", "repeat"): 1, ("place", "nora-bot", "transfer"): 1,
        ("agent", "nora-bot", "repeat"): 1, ("agent", "nora-bot", "transfer"): 1,
    }
    site_wide = {row.reason: row.answers for row in rollups.ReasonCount.select().where(rollups.ReasonCount.kind == "all")
                 if row.answers}
    assert site_wide == {"not-found": 2, "channel": 1, "repeat": 1, "transfer": 1}


def test_an_answers_place_is_the_same_in_python_in_sql_and_as_a_filter(app, site):
    from widget_server import reports

    answer(site, "a", ref="kb-1")
    answer(site, "b", "chatbot-exit", "effort5", ref="conv-1", agent="nora-bot")
    answer(site, "c", "chatbot-exit", "effort5", ref="conv-2")  # no bot named: the conversation
    answer(site, "d", "self-service", "ease5", ref="/orders", agent="nora-bot")  # an agent, not a bot's exit
    answer(site, "e", "self-service", "ease5", ref="")  # the place "(no ref)"

    in_sql = dict(Answer.select(Answer.key, rollups.place_column().alias("place")).tuples())
    in_python = {row.key: rollups.place_of(row.touchpoint, row.ref, row.agent) for row in Answer.select()}
    narrowed = {place: {row.key for row in reports.at_place(Answer.select(), place)} for place in in_python.values()}

    assert in_sql == in_python
    assert sorted(in_python.values()) == ["", "/orders", "conv-2", "kb-1", "nora-bot"]
    assert narrowed == {place: {key for key, other in in_python.items() if other == place} for place in narrowed}


def test_a_retry_changes_no_count(app, site):
    """A retry finds its answer stored and must leave every count as it was, with and
    without an alert target."""
    fields = {"touchpoint": "kb-article", "scale": "agreement7", "ref": "kb-1"}

    def retried_changes_nothing(stored):
        kept = snapshot()
        again, created = store(site, {"key": stored.key, "score": stored.score, **fields})
        assert (again.id, created) == (stored.id, False)
        assert snapshot() == kept

    retried_changes_nothing(store(site, {"key": "a" * 20, "score": 1, "reasons": ["not-found"], **fields})[0])
    Webhook.create(site=site, url="https://hooks.example/ces", secret="whsec_test", rule="any")
    retried_changes_nothing(store(site, {"key": "b" * 20, "score": 6, **fields})[0])

    assert Answer.select().count() == 2 and Delivery.select().count() == 1
    kept = snapshot()
    rollups.rebuild()
    assert snapshot() == kept


def test_an_answer_and_its_counts_are_written_all_or_none(app, site, monkeypatch):
    """A write that fails half-way through its counts leaves no answer and no count."""
    store(site, {"key": "c" * 20, "touchpoint": "kb-article", "scale": "agreement7", "score": 2, "ref": "kb-1"})
    kept = snapshot()
    real_add, calls = rollups.add, []

    def fail_on_the_third(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise peewee.OperationalError("disk full")
        real_add(*args, **kwargs)

    monkeypatch.setattr(rollups, "add", fail_on_the_third)
    with pytest.raises(peewee.OperationalError):
        store(site, {"key": "d" * 20, "touchpoint": "kb-article", "scale": "agreement7", "score": 1, "ref": "kb-1"})

    assert len(calls) == 3
    assert Answer.select().count() == 1
    assert snapshot() == kept


def test_rebuild_counts_each_answer_on_its_own_day(app, site):
    answer(site, "a", days_ago=3)
    answer(site, "b")

    rollups.rebuild()

    days = sorted((row.day, row.answers) for row in rollups.ScoreCount.select())
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert days == [(today - datetime.timedelta(days=3), 1), (today, 1)]
