from django.urls import path

from . import views

app_name = "council"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ar/<int:year>/", views.year, name="year"),
    path("mote/nytt/", views.meeting_create, name="meeting_create"),
    path("mote/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("mote/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("mote/<int:pk>/stall-in/", views.meeting_cancel, name="meeting_cancel"),
    path("mote/<int:pk>/dagordning/forslag/", views.agenda_draft, name="agenda_draft"),
    path("mote/<int:pk>/dagordning/ny/", views.agenda_item_add, name="agenda_item_add"),
    path("mote/<int:pk>/dagordning/<int:item_pk>/", views.agenda_item_edit, name="agenda_item_edit"),
    path("mote/<int:pk>/dagordning/<int:item_pk>/godta/", views.agenda_item_accept, name="agenda_item_accept"),
    path("mote/<int:pk>/dagordning/<int:item_pk>/ta-bort/", views.agenda_item_delete, name="agenda_item_delete"),
    path("mote/<int:pk>/dagordning/<int:item_pk>/rad/", views.advice_create, name="advice_create"),
    path("mote/<int:pk>/kallelse/", views.agenda_send, name="agenda_send"),
    path("mote/<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("mote/<int:pk>/justerare/", views.adjuster, name="adjuster"),
    path("mote/<int:pk>/justera/", views.minutes_sign, name="minutes_sign"),
    path("mote/<int:pk>/justera/ta-tillbaka/", views.minutes_withdraw, name="minutes_withdraw"),
    path("mote/<int:pk>/diariefor/", views.minutes_register, name="minutes_register"),
    path("mote/<int:pk>/minnesanteckningar.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("rad/<int:pk>/uppfoljning/", views.advice_follow_up, name="advice_follow_up"),
    path("sua/", views.sua_list, name="sua_list"),
    path("sua/ny/", views.sua_create, name="sua_create"),
    path("sua/<int:pk>/", views.sua_detail, name="sua_detail"),
    path("sua/<int:pk>/ta-upp/", views.sua_raise, name="sua_raise"),
    path("kalender/<str:token>.ics", views.feed, name="feed"),
]
