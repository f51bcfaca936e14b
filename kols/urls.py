from django.urls import path

from . import import_views, views

app_name = "kols"

urlpatterns = [
    path("", views.kol_list, name="list"),
    path("new/", views.kol_new, name="new"),
    path("import/", import_views.import_upload, name="import"),
    path("import/template.csv", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/apply/", import_views.import_apply, name="import_apply"),
    path("import/<int:pk>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("<int:pk>/", views.kol_detail, name="detail"),
    path("<int:pk>/edit/", views.kol_edit, name="edit"),
    path("<int:pk>/plans/new/", views.engagement_plan_edit, name="plan_new"),
    path("<int:pk>/plans/<int:plan_pk>/", views.engagement_plan_edit, name="plan_edit"),
    path("<int:pk>/export/", views.kol_export, name="export"),
    path("<int:pk>/erase/", views.kol_erase_view, name="erase"),
]
