from django.urls import path

from . import views

app_name = "inquiries"

urlpatterns = [
    path("", views.inquiry_list, name="list"),
    path("new/", views.inquiry_new, name="new"),
    path("interests/", views.interest_list, name="interests"),
    path("interests/new/", views.interest_new, name="interest_new"),
    path("<int:pk>/", views.inquiry_detail, name="detail"),
    path("<int:pk>/edit/", views.inquiry_edit, name="edit"),
    path("<int:pk>/follow-ups/new/", views.inquiry_follow_up, name="follow_up_new"),
    path("<int:pk>/signature.png", views.signature_image, name="signature"),
    path("<int:pk>/<slug:action>/", views.inquiry_act, name="act"),
]
