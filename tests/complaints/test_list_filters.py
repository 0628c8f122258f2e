"""The complaint list's filters are declared once; the SQL written from their conditions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from complaints.api.listing import where_sql
from complaints.list_filters import BY_NAME, PARAMETERS, Kind
from complaints.models import Complaint
from complaints.web.forms import WorkFilterForm
from dbperf import sql
from tests.factories import make_complaint


def _picked(condition: Q) -> set[int]:
    text, params = where_sql(condition)
    rows = sql.select(
        f"SELECT c.{connection.ops.quote_name('id')} FROM {sql.table(Complaint)} c WHERE {text}",
        params,
        (Complaint._meta.pk,),
    )
    return {pk for (pk,) in rows}


def test_a_nullable_column_under_not_matches_where_it_is_null_as_the_orm_says(agent):
    now = timezone.now()
    unacknowledged = make_complaint(owner=agent)
    early = make_complaint(owner=agent)
    late = make_complaint(owner=agent)
    Complaint.objects.filter(pk=unacknowledged.pk).update(acknowledged_at=None)
    Complaint.objects.filter(pk=early.pk).update(acknowledged_at=now - timedelta(days=1))
    Complaint.objects.filter(pk=late.pk).update(acknowledged_at=now + timedelta(days=1))

    for condition in (Q(acknowledged_at__lt=now), ~Q(acknowledged_at__lt=now)):
        expected = set(Complaint.objects.filter(condition).values_list("pk", flat=True))
        assert _picked(condition) == expected
    assert _picked(~Q(acknowledged_at__lt=now)) == {unacknowledged.pk, late.pk}


@pytest.mark.parametrize(
    "condition",
    [Q(owner__team=1), Q(customer__complaints__stage="received"), Q(received_at__year=2026)],
)
def test_the_list_sql_refuses_a_condition_it_cannot_write(condition):
    with pytest.raises((ValueError, LookupError)):
        where_sql(condition)


def test_every_parameter_reads_one_value_of_its_kind():
    assert [p.name for p in PARAMETERS] == [
        "stage",
        "owner",
        "channel",
        "priority",
        "root_cause",
        "overdue",
        "received_after",
        "received_before",
        "q",
    ]
    assert BY_NAME["overdue"].parse("false") is False
    assert BY_NAME["owner"].parse(" 7 ") == 7
    assert BY_NAME["received_after"].parse("2026-03-01T10:00:00+01:00").utcoffset() == timedelta(
        hours=1
    )
    assert {p.kind for p in PARAMETERS} == set(Kind)


def test_the_page_shows_the_declared_filters_with_their_labels(db):
    form = WorkFilterForm()
    on_page = [p for p in PARAMETERS if p.label]
    assert set(form.fields) == {"scope", *(p.name for p in on_page)}
    assert "owner" not in form.fields  # the page's "whose complaints" stands in for it
    for parameter in on_page:
        assert form.fields[parameter.name].label == parameter.label
    assert list(form.fields)[:2] == ["q", "scope"]
