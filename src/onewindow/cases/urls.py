from django.urls import path

from onewindow.cases.views import applications, department, window

app_name = "cases"

urlpatterns = [
    path("apply/<str:kind>/<str:code>/", applications.apply, name="apply"),
    path("apply/<str:kind>/<str:code>/form.pdf", applications.apply_form_pdf, name="apply_form_pdf"),
    path("a/<str:number>/", applications.application_page, name="application"),
    path("a/<str:number>/receipt.pdf", applications.receipt_pdf, name="receipt_pdf"),
    path("a/<str:number>/act/<str:action>/", applications.application_action, name="application_action"),
    path("mine/", applications.mine, name="mine"),
    path("progress/", applications.progress, name="progress"),
    path("clerk/accept/", window.clerk_accept, name="clerk_accept"),
    path("worklist/", department.worklist_page, name="worklist"),
    path("worklist/export.xlsx", department.worklist_export, name="worklist_export"),
    path("worklist/bulk/", department.worklist_bulk, name="worklist_bulk"),
    path("c/<str:number>/", department.case_page, name="case"),
    path("c/<str:number>/act/<str:action>/", department.case_action, name="case_action"),
    path("m/<int:pk>/", applications.material_download, name="material"),
]
