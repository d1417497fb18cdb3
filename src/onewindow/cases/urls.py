from django.urls import path

from onewindow.cases import views

app_name = "cases"

urlpatterns = [
    path("apply/<str:kind>/<str:code>/", views.apply, name="apply"),
    path("a/<str:number>/", views.application_page, name="application"),
    path("a/<str:number>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("a/<str:number>/act/<str:action>/", views.application_action, name="application_action"),
    path("mine/", views.mine, name="mine"),
    path("progress/", views.progress, name="progress"),
    path("clerk/accept/", views.clerk_accept, name="clerk_accept"),
    path("worklist/", views.worklist_page, name="worklist"),
    path("c/<str:number>/", views.case_page, name="case"),
    path("c/<str:number>/act/<str:action>/", views.case_action, name="case_action"),
    path("m/<int:pk>/", views.material_download, name="material"),
]
