# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""moto's server app, patched, served from a background thread of this process.

The patches change moto's classes in memory, so the server must run in the same
process: this builds the same WSGI app as moto's `moto_server` command (the
DomainDispatcherApplication and moto's request handler, threaded), optionally
wrapped in the request log. The control endpoint (control.py) sits in front
of moto's app and answers the /_emulator/ paths itself; behind it, the
authorization of assumed-role sessions (authorization/) decides each request
while it is switched on.
"""

import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from . import apply_patches, endpoint
from .authorization import switch
from .authorization.middleware import AuthorizationMiddleware
from .control import ControlEndpointMiddleware
from .request_log import RequestLog, RequestLoggingMiddleware, install_response_hook


class EmulatorServer:
    """Start with `start()`, stop with `stop()`; port 0 picks a free port.

    `enforce_role_policies` switches on the authorization of assumed-role sessions (authorization/).
    """

    def __init__(self, host="127.0.0.1", port=0, request_log_path=None, enforce_role_policies=False):
        self.host = host
        self.requested_port = port
        self.request_log_path = request_log_path
        self.enforce_role_policies = enforce_role_policies
        self._server = None
        self._thread = None
        self._request_log = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def start(self):
        """Return once the socket listens: connections are accepted from then on."""
        apply_patches()
        if self.enforce_role_policies:
            switch.set_enabled(True)
        self._server = make_server(self.host, self.requested_port, self._build_app(), threaded=True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="aged-keys-emulator", daemon=True)
        self._thread.start()
        endpoint.set_url(self.url)
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None
        if self._request_log is not None:
            self._request_log.close()
            self._request_log = None

    def _build_app(self):
        app = ControlEndpointMiddleware(AuthorizationMiddleware(DomainDispatcherApplication(create_backend_app)))
        if self.request_log_path is None:
            return app
        install_response_hook()
        self._request_log = RequestLog(self.request_log_path)
        return RequestLoggingMiddleware(app, self._request_log)
