"""`onewindow worker`: the background task worker for the whole project (django-tasks database backend).

All options of django_tasks_db's `db_worker` pass through (--queue-name, --interval, --batch, --max-tasks, ...).
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "Run the background task worker (django-tasks database backend; same options as db_worker)."
