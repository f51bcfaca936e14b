from django.urls import path

from . import views

app_name = "interactions"

urlpatterns = [
    path("", views.interaction_list, name="list"),
    path("new/", views.interaction_new, name="new"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("<int:pk>/", views.interaction_detail, name="detail"),
    path("<int:pk>/edit/", views.interaction_edit, name="edit"),
    path("<int:pk>/submit/", views.interaction_submit_view, name="submit"),
    path("<int:pk>/amend/", views.interaction_amend_view, name="amend"),
    path("<int:pk>/insights/", views.insight_new, name="insight_new"),
    path("<int:pk>/follow-ups/", views.follow_up_new, name="follow_up_new"),
    path("<int:pk>/transfers/", views.transfer_of_value_new, name="transfer_new"),
]
