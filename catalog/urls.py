from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
]
