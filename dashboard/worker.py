"""The Celery worker for background callbacks (``make worker``).

The worker builds the same app as the web workers, which registers every background callback
as a Celery task under the same name; it then runs those tasks with the shared data folder,
database and Redis cache.
"""

from dashboard.app import create_app

app = create_app()
celery_app = app.server.extensions["segmenta.background"].handle
