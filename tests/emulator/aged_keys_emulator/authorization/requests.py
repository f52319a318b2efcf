# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a signed request asks, read the way moto reads it, before moto serves it.

The Signature Version 4 credential scope names the access key, region and service
(Credential=KEY/DATE/REGION/SERVICE/aws4_request, in the Authorization header or a presigned
URL's X-Amz-Credential). moto resolves the account from the key
(moto.iam.models.get_account_id_from) and keeps assumed-role sessions on STS's backend of that
account. The operation and its parameters come from botocore's model of the service, parsed
with moto's own protocol parsers (query, json, rest-xml, rest-json), so they have the shapes
of the API reference ("TopicArn", "Tags": [{"Key", "Value"}], ...).
"""

import dataclasses
import io
import re
from urllib.parse import parse_qs

from moto.core.parse import PROTOCOL_PARSERS
from moto.core.request import Request, determine_request_protocol
from moto.core.routing import get_service_router
from moto.core.utils import get_service_model
from moto.iam.models import get_account_id_from
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition
from werkzeug.wsgi import get_input_stream

CREDENTIAL = re.compile(r"Credential=(?P<key>[^/,\s]+)/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")


@dataclasses.dataclass(frozen=True)
class Signature:
    access_key: str
    region: str
    service: str

    @property
    def account(self):
        return get_account_id_from(self.access_key)

    def assumed_role(self):
        """moto's AssumedRole of this key when it is an sts:AssumeRole session, else None (the ambient identity, IAM users)."""
        return sts_backends[self.account][get_partition(self.region)].get_assumed_role_from_access_key(self.access_key)


def signature_of(environ):
    """The request's Signature, or None for a request that is not signed with Signature Version 4."""
    match = CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if match is None:
        credential = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential", [""])[0]
        match = CREDENTIAL.search(f"Credential={credential}")
    if match is None:
        return None
    return Signature(access_key=match.group("key"), region=match.group("region"), service=match.group("service"))


def buffer_body(environ):
    """Read the body once and leave a fresh copy for moto; returns the bytes."""
    body = get_input_stream(environ).read()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


class UnreadableRequest(Exception):
    """A request whose operation or parameters botocore's model cannot read."""


def operation_of(environ, body, service):
    """(protocol, operation name, parameters) of a request to `service` (botocore's name)."""
    copy = dict(environ, **{"wsgi.input": io.BytesIO(body)})
    request = Request(copy)
    try:
        model = get_service_model(service)
        protocol = determine_request_protocol(model, request.content_type)
        uri_params = {}
        if protocol == "query":
            operation = request.values.get("Action")
        elif protocol == "json":
            operation = (request.headers.get("X-Amz-Target") or "").split(".")[-1]
        else:
            operation_model, uri_params = get_service_router(service).match(request)
            operation = operation_model.name
        operation_model = model.operation_model(operation)
        parser = PROTOCOL_PARSERS[protocol](operation_model, map_type=dict)
        params = parser.parse({"method": request.method, "values": request.values, "headers": request.headers, "body": request.data,
                               "url_path": request.path, "url_params": uri_params})
    except Exception as error:  # pylint: disable=broad-exception-caught  # any failure to read it means: cannot authorize it
        raise UnreadableRequest(f"{type(error).__name__}: {error}") from error
    return protocol, operation, dict(params)
