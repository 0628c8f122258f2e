"""Serializer fields copied per instance (shallowly for leaves) stay bound to their own one."""

from __future__ import annotations

from complaints.api.serializers import ComplaintCreateSerializer, ComplaintDetailSerializer
from tests.factories import make_complaint


def test_each_serializer_binds_its_own_fields(agent, other_agent):
    first, second = make_complaint(owner=agent), make_complaint(owner=other_agent)
    one, two = ComplaintDetailSerializer(first), ComplaintDetailSerializer(second)

    assert one.fields["subject"] is not two.fields["subject"]
    assert one.fields["subject"].parent is one
    assert two.fields["subject"].parent is two
    nested_one, nested_two = one.fields["owner"], two.fields["owner"]
    assert nested_one is not nested_two
    assert nested_one.fields["username"].parent is nested_one
    assert (one.data["owner"]["username"], two.data["owner"]["username"]) == ("anna", "bram")


def test_a_failed_validation_does_not_leak_into_the_next(agent):
    bad = ComplaintCreateSerializer(data={"channel": "fax"})
    assert not bad.is_valid()
    good = ComplaintCreateSerializer(
        data={"customer": make_complaint(owner=agent).customer_id, "channel": "phone"}
        | {"subject": "Storing", "facts": "Geen internet."}
    )
    assert good.is_valid(), good.errors
    assert set(bad.errors) >= {"channel", "customer", "subject", "facts"}
