# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A refused request, answered in the error format of the service's protocol.

HTTP status: AccessDenied (IAM, STS, S3, SQS) and SNS's AuthorizationError are 403 (IAM, STS
and SNS API References, Errors; Amazon S3 User Guide, "Troubleshoot access denied (403
Forbidden) errors"); AccessDeniedException of the JSON services (AWS KMS, Systems Manager,
AWS Config, Organizations: "Common Errors", HTTP Status Code 400) and every other code are 400.

Formats: query protocol <ErrorResponse><Error><Type>Sender</Type><Code/><Message/>...;
json {"__type": CODE, "message": ...} (SQS's JSON protocol adds x-amzn-query-error, which
botocore reads the code from); rest-xml (S3) <Error><Code/><Message/>...; a HEAD request has no body.
"""

import json
import uuid
from xml.sax.saxutils import escape

FORBIDDEN_CODES = ("AccessDenied", "AuthorizationError")
REASONS = {400: "Bad Request", 403: "Forbidden"}


def status_of(code):
    return 403 if code in FORBIDDEN_CODES else 400


def respond(environ, start_response, protocol, code, message):
    status = status_of(code)
    request_id = str(uuid.uuid4())
    headers = [("x-amzn-RequestId", request_id)]
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": code, "message": message})
        headers += [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code), ("x-amzn-query-error", f"{code};Sender")]
    elif protocol == "rest-xml":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>'
                f"<RequestId>{request_id}</RequestId><HostId>{request_id}</HostId></Error>")
        headers.append(("Content-Type", "application/xml"))
    else:
        body = (f'<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
                f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
        headers.append(("Content-Type", "text/xml"))
    payload = b"" if environ.get("REQUEST_METHOD") == "HEAD" else body.encode("utf-8")
    headers.append(("Content-Length", str(len(payload))))
    start_response(f"{status} {REASONS[status]}", headers)
    return [payload]
