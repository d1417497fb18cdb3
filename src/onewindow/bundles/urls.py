from django.urls import path

from onewindow.bundles import views

app_name = "bundles"

urlpatterns = [
    path("", views.bundle_list, name="list"),
    path("<str:code>/", views.bundle_detail, name="detail"),
    path("<str:code>/notice/", views.bundle_notice_page, name="notice"),
    path("<str:code>/notice.pdf", views.bundle_notice_pdf, name="notice_pdf"),
]
