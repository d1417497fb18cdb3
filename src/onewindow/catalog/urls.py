from django.urls import path

from onewindow.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.index, name="index"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("items/<str:code>/guide.pdf", views.item_guide_pdf, name="item_pdf"),
    path("departments/", views.department_list, name="departments"),
    path("departments/<str:code>/", views.department_detail, name="department"),
    path("manage/", views.manage, name="manage"),
]
