from django.urls import path

from . import views

app_name = "kols"

urlpatterns = [
    path("", views.kol_list, name="list"),
    path("new/", views.kol_new, name="new"),
    path("<int:pk>/", views.kol_detail, name="detail"),
    path("<int:pk>/edit/", views.kol_edit, name="edit"),
    path("<int:pk>/export/", views.kol_export, name="export"),
    path("<int:pk>/erase/", views.kol_erase_view, name="erase"),
]
