from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import OneWindowApp


class TeamConfig(OneWindowApp):
    """The window team (建队伍、立机制): monthly assessment of each clerk, business exams, the monthly
    政务服务之星 and the commendations (锦旗, 表扬信) received per clerk and window."""

    name = "onewindow.team"
    label = "team"
    verbose_name = _("窗口队伍")
