"""Feedback pages under /feedback/ (namespace `feedback`), one list of paths per concept: the ratings and
rectification pages (`urls.ratings`) and the citizen's voice (`urls.suggestions`). Open311 is mounted apart, at
/open311/v2/ (`urls.open311`, namespace `open311`)."""

from onewindow.feedback.urls import ratings, suggestions

app_name = "feedback"

urlpatterns = ratings.urlpatterns + suggestions.urlpatterns
