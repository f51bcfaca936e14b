"""/api/v1/: the same scoping, rules and audit trail as the pages. Lists come from the
apps' selectors; writes go through the apps' services."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.access import may_open
from accounts.roles import Role
from accounts.scoping import scope_for_user, sees_everything
from catalog.models import ApprovedMaterial, InsightTopic, Product, TherapeuticArea
from compliance.firewall import OFF_LABEL_INQUIRIES, may_see
from compliance.models import SafetyReport
from inquiries.models import MedicalInquiry
from inquiries.selectors import inquiries_visible_to
from interactions.filters import InteractionFilter
from interactions.models import FollowUp, Insight
from interactions.selectors import interactions_visible_to
from interactions.services import (
    adverse_event_report_unsaved,
    follow_up_complete,
    follow_up_create,
    interaction_create,
)
from kols.models import Institution
from kols.selectors import kols_visible_to
from msl_crm.page_cache import api_list_cached
from reports.models import TrendReport

from . import serializers


class SectionPermission(permissions.BasePermission):
    """The API opens to a role exactly what the pages open (accounts.access)."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if view.section is None:  # every role; the queryset narrows what each one reads
            return bool(request.user.role_names) or request.user.is_superuser
        return may_open(request.user, view.section)


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.IsAuthenticated, SectionPermission]


class KOLFilter(filters.FilterSet):
    search = filters.CharFilter(method="search_kols", label="Words matched like the directory")

    class Meta:
        model = serializers.KOL
        fields = ["tier", "territory", "therapeutic_areas", "consent_status", "do_not_contact"]

    def search_kols(self, queryset, name, value):
        from kols.selectors import by_name, kol_search

        return kol_search(queryset, value).order_by(*by_name(searched=True), "pk")


class KOLViewSet(ReadOnly):
    section = "kols"
    serializer_class = serializers.KOLSerializer
    filterset_class = KOLFilter

    def get_queryset(self):
        return (
            kols_visible_to(self.request.user)
            .prefetch_related("therapeutic_areas")
            .order_by("last_name", "first_name", "pk")
        )


class InstitutionViewSet(ReadOnly):
    section = "kols"
    serializer_class = serializers.InstitutionSerializer
    queryset = Institution.objects.order_by("name", "pk")
    filterset_fields = ["type", "country", "city"]


class CatalogViewSet(ReadOnly):
    section = "kols"


class TherapeuticAreaViewSet(CatalogViewSet):
    serializer_class = serializers.TherapeuticAreaSerializer
    queryset = TherapeuticArea.objects.order_by("name")


class ProductViewSet(CatalogViewSet):
    serializer_class = serializers.ProductSerializer
    queryset = Product.objects.order_by("name")
    filterset_fields = ["therapeutic_area", "is_marketed"]


class InsightTopicViewSet(CatalogViewSet):
    serializer_class = serializers.InsightTopicSerializer
    queryset = InsightTopic.objects.order_by("parent__name", "name")
    filterset_fields = ["parent", "is_active"]


class ApprovedMaterialViewSet(CatalogViewSet):
    serializer_class = serializers.ApprovedMaterialSerializer
    queryset = ApprovedMaterial.objects.offerable().prefetch_related("products").order_by("title")
    filterset_fields = ["therapeutic_area", "use"]


class InteractionViewSet(mixins.CreateModelMixin, ReadOnly):
    section = "interactions"
    page_cached = True
    serializer_class = serializers.InteractionSerializer
    filterset_class = InteractionFilter

    def get_queryset(self):
        return (
            interactions_visible_to(self.request.user)
            .prefetch_related(
                "kols", "topics", "products", Prefetch("insights", Insight.objects.order_by("pk"))
            )
            .order_by("-occurred_at", "-planned_at", "-pk")
        )

    @api_list_cached
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=serializers.InteractionCreateSerializer,
        responses={201: serializers.InteractionSerializer},
    )
    def create(self, request, *args, **kwargs):
        if not request.user.has_role(Role.MSL):
            raise PermissionDenied("Only MSLs log interactions.")
        payload = serializers.InteractionCreateSerializer(
            data=request.data, kols=kols_visible_to(request.user)
        )
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        kols = data.pop("kols")
        relations = {name: data.pop(name) for name in ("topics", "products") if name in data}
        acknowledged = data.pop("acknowledge_warnings")
        try:
            interaction = interaction_create(
                actor=request.user,
                kols=kols,
                relations=relations,
                acknowledged=acknowledged,
                **data,
            )
        except ValidationError as error:
            if data.get("adverse_event_mentioned"):
                # As on the page: refused or not, the adverse event reaches drug safety now.
                report = adverse_event_report_unsaved(
                    actor=request.user,
                    kols=kols,
                    products=relations.get("products", []),
                    notes=data.get("notes", ""),
                    safety=None,
                )
                detail = (
                    error.message_dict
                    if hasattr(error, "error_dict")
                    else {"detail": error.messages}
                )
                return Response(
                    {**detail, "safety_report": report.pk}, status=status.HTTP_400_BAD_REQUEST
                )
            raise
        interaction = self.get_queryset().get(pk=interaction.pk)
        return Response(self.get_serializer(interaction).data, status=status.HTTP_201_CREATED)


class FollowUpViewSet(mixins.CreateModelMixin, ReadOnly):
    section = "follow_ups"
    serializer_class = serializers.FollowUpSerializer
    filterset_fields = ["status", "kind", "kol", "due_date"]

    def get_queryset(self):
        return scope_for_user(FollowUp.objects.all(), self.request.user, owner_field="owner")

    @extend_schema(
        request=serializers.FollowUpCreateSerializer,
        responses={201: serializers.FollowUpSerializer},
    )
    def create(self, request, *args, **kwargs):
        payload = serializers.FollowUpCreateSerializer(
            data=request.data, kols=kols_visible_to(request.user)
        )
        payload.is_valid(raise_exception=True)
        follow_up = follow_up_create(actor=request.user, **payload.validated_data)
        return Response(self.get_serializer(follow_up).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: serializers.FollowUpSerializer})
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        follow_up = get_object_or_404(self.get_queryset(), pk=pk)
        follow_up = follow_up_complete(actor=request.user, follow_up=follow_up)
        return Response(self.get_serializer(follow_up).data)


class InquiryFilter(filters.FilterSet):
    class Meta:
        model = MedicalInquiry
        fields = ["status", "urgency", "product", "kol", "off_label"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        user = self.request.user
        restricted = not may_see(user, OFF_LABEL_INQUIRIES)
        if restricted and any(self.form.cleaned_data.get(name) for name in ("kol", "product")):
            # The KOL and product of an off-label inquiry are hidden from this reader: a
            # filter on them must not tell which off-label inquiries concern them.
            queryset = queryset.filter(Q(off_label=False) | Q(raised_by=user))
        return queryset


class InquiryViewSet(ReadOnly):
    section = "inquiries"
    serializer_class = serializers.InquirySerializer
    filterset_class = InquiryFilter

    def get_queryset(self):
        return inquiries_visible_to(self.request.user).order_by("-pk")


class SafetyReportViewSet(ReadOnly):
    """Read-only: reports are opened by the interaction and inquiry services only."""

    section = None
    serializer_class = serializers.SafetyReportSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        reports = SafetyReport.objects.order_by("-created_at", "-pk")
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return reports.none()
        if sees_everything(self.request.user):
            return reports
        return reports.filter(reporter=self.request.user)


class TrendReportViewSet(ReadOnly):
    section = "reports"
    serializer_class = serializers.TrendReportSerializer
    queryset = TrendReport.objects.order_by("-week")
