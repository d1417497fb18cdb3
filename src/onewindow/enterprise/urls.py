from django.urls import path, re_path

from .views import classes, licences, policies

app_name = "enterprise"

urlpatterns = [
    path("", policies.policy_list, name="policies"),
    path("policies/<str:code>/", policies.policy_detail, name="policy_detail"),
    path("policies/<str:code>/precheck/", policies.policy_precheck, name="policy_precheck"),
    path("policies/<str:code>/apply/", policies.policy_apply, name="policy_apply"),
    path("statistics/", policies.statistics, name="statistics"),
    path("applications/", policies.application_list, name="applications"),
    path("applications/<str:number>/", policies.application_detail, name="application_detail"),
    re_path(r"^applications/(?P<number>[A-Z0-9]{1,24})/(?P<action>approve|reject|pay|withdraw)/$",
            policies.application_action, name="application_action"),
    path("me/", policies.my_enterprise, name="me"),
    path("me/register/", policies.enterprise_register, name="enterprise_register"),
    path("classes/", classes.class_list, name="classes"),
    path("classes/new/", classes.class_create, name="class_create"),
    path("classes/<int:pk>/", classes.class_detail, name="class_detail"),
    path("classes/<int:pk>/sign-up/", classes.class_sign_up, name="class_sign_up"),
    path("classes/<int:pk>/cancel/", classes.class_cancel, name="class_cancel"),
    path("classes/registrations/<int:pk>/cancel/", classes.registration_cancel, name="registration_cancel"),
    path("classes/registrations/<int:pk>/feedback/", classes.registration_feedback, name="registration_feedback"),
    path("classes/registrations/<int:pk>/qr.svg", classes.registration_qr, name="registration_qr"),
    path("classes/checkin/<str:token>/", classes.checkin, name="checkin"),
    path("licences/", licences.licence_list, name="licences"),
    path("licences/issue/", licences.licence_issue, name="licence_issue"),
    path("licences/<int:pk>/", licences.licence_detail, name="licence_detail"),
    path("licences/<int:pk>/revoke/", licences.licence_revoke, name="licence_revoke"),
    path("verify/<str:token>/", licences.verify, name="verify"),
]
