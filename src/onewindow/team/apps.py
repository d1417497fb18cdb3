from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DemoStep, OneWindowApp, UrlMount


class TeamConfig(OneWindowApp):
    """The window team (建队伍、立机制): monthly assessment of each clerk, business exams, the monthly
    政务服务之星 and the commendations (锦旗, 表扬信) received per clerk and window."""

    name = "onewindow.team"
    label = "team"
    verbose_name = _("窗口队伍")
    urls = (UrlMount("team/", "onewindow.team.urls"),)
    api = (ApiMount("onewindow.team.api:router", prefix="team/", tag="team"),)
    nav = "onewindow.team.nav:ITEMS"
    demo = (DemoStep("onewindow.demo.team:load", order=78),)
