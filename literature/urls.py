from django.urls import path

from . import views

app_name = "literature"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("topics/", views.topics, name="topics"),
    path("topics/<int:pk>/delete/", views.topic_delete, name="topic_delete"),
    path("import/", views.import_file, name="import"),
    path("matches/<int:pk>/<str:decision>/", views.match_decision, name="match"),
    path("<str:kind>/<int:pk>/read/", views.mark_read, name="read"),
    path("<str:kind>/<int:pk>/save/", views.save_to_kol, name="save"),
    path("<str:kind>/<int:pk>/share/", views.share, name="share"),
]
