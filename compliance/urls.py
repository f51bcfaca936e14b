from django.urls import path

from . import audit_views, views

app_name = "compliance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("check/", views.live_check, name="check"),
    path("audit/", audit_views.audit_search, name="audit"),
    path("open-payments/<int:year>.csv", views.open_payments_export, name="open_payments_export"),
    path(
        "audit/<int:content_type_id>/<str:object_id>/",
        audit_views.audit_record,
        name="audit_record",
    ),
]
