"""Insight topics form a two-level taxonomy, shown as "Parent › Child"."""

import pytest
from django.core.exceptions import ValidationError

from catalog.models import InsightTopic
from catalog.selectors import insight_topic_choices
from tests.factories import InsightTopicFactory

pytestmark = pytest.mark.django_db


def test_a_child_topic_reads_parent_then_child():
    efficacy = InsightTopicFactory(name="Efficacy")
    outcomes = InsightTopicFactory(name="Long-term outcomes", parent=efficacy)

    assert str(outcomes) == "Efficacy › Long-term outcomes"
    assert str(efficacy) == "Efficacy"


def test_a_child_under_a_top_level_topic_is_valid():
    efficacy = InsightTopicFactory(name="Efficacy")

    InsightTopic(name="Long-term outcomes", parent=efficacy).full_clean()  # raises if refused


def test_a_grandchild_topic_is_refused():
    efficacy = InsightTopicFactory(name="Efficacy")
    outcomes = InsightTopicFactory(name="Long-term outcomes", parent=efficacy)
    grandchild = InsightTopic(name="Five-year survival", parent=outcomes)

    with pytest.raises(ValidationError) as error:
        grandchild.full_clean()

    assert error.value.message_dict["parent"] == [
        "Topics have two levels: pick a top-level parent."
    ]


def test_a_topic_cannot_be_its_own_parent():
    safety = InsightTopicFactory(name="Safety")
    safety.parent = safety

    with pytest.raises(ValidationError) as error:
        safety.full_clean()

    assert "parent" in error.value.message_dict


def test_the_insight_form_offers_active_leaf_topics_only():
    efficacy = InsightTopicFactory(name="Efficacy")
    InsightTopicFactory(name="Long-term outcomes", parent=efficacy)
    InsightTopicFactory(name="Retired", parent=efficacy, is_active=False)

    assert [str(topic) for topic in insight_topic_choices()] == ["Efficacy › Long-term outcomes"]
