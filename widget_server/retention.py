"""Deleting answers: all of one customer's (a privacy request), and a site's answers past
its retention period. The summary's counts are kept exact either way."""
import datetime

from .db import flask_db
from .models import Answer, Impression, Site, utcnow
from .rollups import count_answer, forget_days_before, local_day, local_midnight

def delete_customer(customer, site=None, site_ids=None):
    """Delete every answer carrying this customer id (on one site, on the sites of
    `site_ids`, or on all); return how many."""
    customer = customer.strip()
    if not customer:
        raise ValueError("customer: give the customer id whose answers to delete")
    # With its site, whose time zone says which day's counts the answer leaves.
    query = Answer.select(Answer, Site).join(Site).where(Answer.customer == customer)
    if site is not None:
        query = query.where(Answer.site == site)
    if site_ids is not None:
        query = query.where(Answer.site.in_(site_ids))
    deleted = 0
    with flask_db.database.atomic():
        for answer in list(query):
            count_answer(answer, -1)
            answer.delete_instance()  # its queued alerts go with it (ON DELETE CASCADE)
            deleted += 1
    return deleted


def purge_expired(now=None):
    """Delete, per site with a retention period, the answers and impressions of whole days
    (the site's own) older than it; return how many answers went."""
    purged = 0
    for site in Site.select().where(Site.retention_days.is_null(False)):
        today = local_day(site, now or utcnow())
        first_kept_day = today - datetime.timedelta(days=site.retention_days)
        cutoff = local_midnight(first_kept_day, site.time_zone)
        with flask_db.database.atomic():
            purged += Answer.delete().where((Answer.site == site) & (Answer.created_at < cutoff)).execute()
            Impression.delete().where((Impression.site == site) & (Impression.created_at < cutoff)).execute()
            forget_days_before(site.id, first_kept_day)
    return purged
