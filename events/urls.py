from django.urls import path

from . import collaboration_views, learning_views, travel_views, views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("calendar/", views.calendar_month, name="calendar"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/kols/", views.expected_kol_new, name="expected_kol_new"),
    path("<int:pk>/meetings/", views.meeting_new, name="meeting_new"),
    path("<int:pk>/insights/", views.share_insight, name="share_insight"),
    path("trips/", travel_views.trips, name="trips"),
    path("trips/new/", travel_views.trip_new, name="trip_new"),
    path("trips/<int:pk>/", travel_views.trip_detail, name="trip"),
    path("trips/<int:pk>/itinerary/", travel_views.itinerary_new, name="itinerary_new"),
    path("trips/<int:pk>/expenses/", travel_views.expense_new, name="expense_new"),
    path("expenses/<int:pk>/receipt/", travel_views.receipt, name="receipt"),
    path("expenses/<int:pk>/delete/", travel_views.expense_remove, name="expense_delete"),
    path("learning/", learning_views.learning, name="learning"),
    path("learning/new/", learning_views.learning_new, name="learning_new"),
    path("learning/<int:pk>/certificate/", learning_views.certificate, name="certificate"),
    path("insights/<int:pk>/", collaboration_views.insight, name="insight"),
    path("mentions/", collaboration_views.mentions, name="mentions"),
    path("mentions/read/", collaboration_views.mentions_read, name="mentions_read"),
]
