"""What `python run.py` serves with: werkzeug's development server, minus its version banner.

Werkzeug announces `Server: Werkzeug/<version> Python/<version>`, telling a prober which
known flaws to try; this says only what the service is.
"""

from werkzeug.serving import WSGIRequestHandler

SERVER = "IRO"


class QuietRequestHandler(WSGIRequestHandler):
    server_version = SERVER  # also the WSGI environ's SERVER_SOFTWARE
    sys_version = ""

    def version_string(self) -> str:
        return SERVER
