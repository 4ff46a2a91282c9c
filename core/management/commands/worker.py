"""`manage.py worker`: django-tasks-db's worker with a heartbeat and recovery (core/worker.py, ADR 5).

`manage.py db_worker` is the same command, so no worker runs without a heartbeat: the others would
take its tasks for lost.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from core import worker as watch


class Worker(db_worker.Worker):
    def run(self):
        keeper = watch.start(self.worker_id)
        try:
            super().run()
        finally:
            watch.stop(keeper)


class Command(db_worker.Command):
    help = ("Фонова служба: виконує завдання з черги (розрахунки планів, SMS, PDF справ), повідомляє, "
            "що жива, і відновлює роботу служби, яка зупинилася (ADR 5).")

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload,
               max_tasks, worker_id, exclude_queues, **options):
        # As django-tasks-db's own command, with our Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise db_worker.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
                        startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
                        excluded_queue_names=excluded)
        if reload:
            # The reloader's parent only watches the files; the child it starts runs the tasks.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
