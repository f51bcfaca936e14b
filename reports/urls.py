from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("run/", views.run_now, name="run"),
    path("subscription/", views.subscription, name="subscription"),
    path("<int:pk>/", views.report_detail, name="detail"),
]
