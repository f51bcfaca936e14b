from django.urls import path

from . import views

app_name = "today"

urlpatterns = [
    path("", views.today, name="index"),
    path("steps/<int:number>/", views.tick, name="tick"),
    path("briefing-pack/", views.briefing_pack, name="briefing_pack"),
    path("trend/", views.my_trend, name="trend"),
]
