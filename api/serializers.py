"""What the API shows of each record: the same firewall as the pages (notes, quotes and
off-label content only for those who may read them)."""

from rest_framework import serializers

from catalog.models import ApprovedMaterial, InsightTopic, Product, TherapeuticArea
from compliance.firewall import NOTES, QUOTES, may_see
from compliance.models import SafetyReport
from inquiries.models import MedicalInquiry
from inquiries.selectors import content_visible
from interactions.models import FollowUp, FollowUpKind, Insight, Interaction, InteractionType
from kols.models import KOL, Channel, Institution
from reports.models import TrendReport


class TherapeuticAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = TherapeuticArea
        fields = ["id", "name", "description"]


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "generic_name", "therapeutic_area", "is_marketed"]


class InsightTopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = InsightTopic
        fields = ["id", "name", "parent", "is_active"]


class ApprovedMaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApprovedMaterial
        fields = [
            "id",
            "title",
            "document_number",
            "version",
            "url",
            "therapeutic_area",
            "products",
            "approved_on",
            "expires_on",
            "use",
        ]


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name", "type", "city", "country"]


class KOLSerializer(serializers.ModelSerializer):
    class Meta:
        model = KOL
        fields = [
            "id",
            "first_name",
            "last_name",
            "credentials",
            "specialty",
            "institution",
            "npi",
            "orcid",
            "city",
            "country",
            "tier",
            "territory",
            "therapeutic_areas",
            "consent_status",
            "do_not_contact",
            "updated_at",
        ]


def _reader(serializer):
    return serializer.context["request"].user


class InsightSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField()

    class Meta:
        model = Insight
        fields = [
            "id",
            "kol",
            "author",
            "topic",
            "category",
            "sentiment",
            "importance",
            "text",
            "created_at",
        ]

    def get_text(self, insight) -> str | None:
        """Null where the firewall keeps quotes from the reader."""
        return insight.text if may_see(_reader(self), QUOTES, author_id=insight.author_id) else None


class InteractionSerializer(serializers.ModelSerializer):
    insights = InsightSerializer(many=True, read_only=True)
    notes = serializers.SerializerMethodField()
    objectives = serializers.SerializerMethodField()

    class Meta:
        model = Interaction
        fields = [
            "id",
            "owner",
            "kols",
            "type",
            "channel",
            "planned_at",
            "occurred_at",
            "duration_minutes",
            "location",
            "objectives",
            "topics",
            "products",
            "notes",
            "off_label_discussed",
            "adverse_event_mentioned",
            "status",
            "submitted_at",
            "insights",
            "updated_at",
        ]

    def get_notes(self, interaction) -> str | None:
        """Null where the firewall keeps notes from the reader."""
        return (
            interaction.notes
            if may_see(_reader(self), NOTES, author_id=interaction.owner_id)
            else None
        )

    def get_objectives(self, interaction) -> str | None:
        """Null with the notes: the page shows the objectives only to those who read notes."""
        return (
            interaction.objectives
            if may_see(_reader(self), NOTES, author_id=interaction.owner_id)
            else None
        )


class InteractionCreateSerializer(serializers.Serializer):
    """Log or plan an interaction, through the same service and rules as the form."""

    kols = serializers.PrimaryKeyRelatedField(queryset=KOL.objects.none(), many=True)
    type = serializers.ChoiceField(choices=InteractionType.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True)
    planned_at = serializers.DateTimeField(required=False, allow_null=True)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=1440, required=False, allow_null=True
    )
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    objectives = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    topics = serializers.PrimaryKeyRelatedField(
        queryset=InsightTopic.objects.filter(is_active=True), many=True, required=False
    )
    products = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), many=True, required=False
    )
    off_label_discussed = serializers.BooleanField(required=False, default=False)
    adverse_event_mentioned = serializers.BooleanField(required=False, default=False)
    acknowledge_warnings = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, kols=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The KOLs the caller may see (the schema is built without a caller).
        if kols is not None:
            self.fields["kols"].child_relation.queryset = kols

    def validate(self, data):
        if not data.get("planned_at") and not data.get("occurred_at"):
            raise serializers.ValidationError(
                {"occurred_at": "Give when it happened, or planned_at for a planned meeting."}
            )
        return data


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "owner",
            "kind",
            "description",
            "due_date",
            "status",
            "interaction",
            "kol",
            "inquiry",
            "done_at",
            "created_at",
        ]
        read_only_fields = ["owner", "status", "interaction", "inquiry", "done_at", "created_at"]


class FollowUpCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FollowUpKind.choices)
    description = serializers.CharField(max_length=300)
    due_date = serializers.DateField()
    kol = serializers.PrimaryKeyRelatedField(
        queryset=KOL.objects.none(), required=False, allow_null=True
    )

    def __init__(self, *args, kols=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kols is not None:
            self.fields["kol"].queryset = kols


class InquirySerializer(serializers.ModelSerializer):
    question = serializers.SerializerMethodField()
    # Who asked, about which product and topic, and from which interaction: restricted with
    # the question, as on the pages.
    kol = serializers.SerializerMethodField()
    product = serializers.SerializerMethodField()
    topic = serializers.SerializerMethodField()
    interaction = serializers.SerializerMethodField()

    class Meta:
        model = MedicalInquiry
        fields = [
            "id",
            "kol",
            "raised_by",
            "product",
            "topic",
            "interaction",
            "question",
            "off_label",
            "urgency",
            "deadline",
            "status",
            "assignee",
            "delivered_at",
            "closed_at",
        ]

    def get_question(self, inquiry) -> str | None:
        """Null for an off-label inquiry the firewall keeps from the reader."""
        return inquiry.question if content_visible(_reader(self), inquiry) else None

    def _shown(self, inquiry, value):
        return value if content_visible(_reader(self), inquiry) else None

    def get_kol(self, inquiry) -> int | None:
        return self._shown(inquiry, inquiry.kol_id)

    def get_product(self, inquiry) -> int | None:
        return self._shown(inquiry, inquiry.product_id)

    def get_topic(self, inquiry) -> int | None:
        return self._shown(inquiry, inquiry.topic_id)

    def get_interaction(self, inquiry) -> int | None:
        return self._shown(inquiry, inquiry.interaction_id)


class SafetyReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = SafetyReport
        fields = [
            "id",
            "receipt_id",
            "reporter",
            "kol",
            "product",
            "interaction",
            "inquiry",
            "learned_at",
            "deadline",
            "status",
            "attempts",
            "forwarded_at",
            "created_at",
        ]


class TrendReportSerializer(serializers.ModelSerializer):
    data = serializers.SerializerMethodField()

    class Meta:
        model = TrendReport
        fields = ["id", "week", "generated_at", "baseline_weeks", "method", "data"]

    def get_data(self, report) -> dict:
        """The stored report; its emerging topics' quotes only where the firewall shows
        quotes, as on the report's page."""
        if may_see(_reader(self), QUOTES):
            return report.data
        data = dict(report.data)
        data["emerging"] = [
            {key: value for key, value in row.items() if key != "quotes"}
            for row in report.data.get("emerging", [])
        ]
        return data
