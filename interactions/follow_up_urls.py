from django.urls import path

from . import views

app_name = "follow_ups"

urlpatterns = [
    path("", views.follow_up_list, name="list"),
    path("<int:pk>/done/", views.follow_up_done, name="done"),
    path("for-kol/<int:pk>/", views.follow_up_for_kol, name="for_kol"),
]
