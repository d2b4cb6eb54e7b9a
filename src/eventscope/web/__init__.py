"""The JSON API and the offline dashboard: `create_app(store, settings)`, served by uvicorn (`eventscope serve`).

Needs the `web` extra (FastAPI, uvicorn): pip install 'eventscope[web]'.
"""

from eventscope.web.app import create_app
from eventscope.web.settings import Settings

__all__ = ["Settings", "create_app"]
