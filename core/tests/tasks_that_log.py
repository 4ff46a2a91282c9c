"""A background task for the log tests: it logs a step with a number and a name as arguments."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def log_a_step(step):
    logger.warning("step %s of a task for %s", step, "Коваленко Марія Іванівна")
    return step
