from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import token_views, views

SWAGGER_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"

router = DefaultRouter()
router.register("kols", views.KOLViewSet, basename="kol")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("inquiries", views.InquiryViewSet, basename="inquiry")
router.register("safety-reports", views.SafetyReportViewSet, basename="safety-report")
router.register("reports", views.TrendReportViewSet, basename="report")
router.register("catalog/therapeutic-areas", views.TherapeuticAreaViewSet, basename="area")
router.register("catalog/products", views.ProductViewSet, basename="product")
router.register("catalog/topics", views.InsightTopicViewSet, basename="topic")
router.register("catalog/materials", views.ApprovedMaterialViewSet, basename="material")

app_name = "api"

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # Swagger UI's bundle adds one fixed <style> element: allowed by its hash alone.
        csp_update({"style-src": [SWAGGER_STYLE_HASH]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.revoke, name="token_revoke"),
]
