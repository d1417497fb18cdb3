from django.urls import path, re_path

from .views import custody, figures, submission

app_name = "intake"

urlpatterns = [
    path("outlet/", submission.outlet_home, name="outlet"),
    path("outlet/submit/", submission.outlet_submit, name="outlet_submit"),
    path("assisted/", submission.assisted, name="assisted"),
    path("outlets/figures/", figures.outlet_figures, name="figures"),
    path("mine/", custody.mine, name="mine"),
    path("lockers/", custody.lockers_page, name="lockers"),
    path("lockers/<slug:code>/pairing/", custody.locker_pairing, name="locker_pairing"),
    path("applications/<str:number>/", custody.application_custody, name="application"),
    re_path(r"^applications/(?P<number>[\w-]+)/(?P<action>book_drop|envelope|place_result)/$",
            custody.application_action, name="application_action"),
    re_path(r"^custody/(?P<number>[\w-]+)/(?P<action>collect|receive|mail|cancel|issue_code)/$",
            custody.custody_action, name="custody_action"),
]
