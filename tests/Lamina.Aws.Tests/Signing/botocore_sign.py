# Signs a set of tricky requests with botocore (the signer the AWS CLI v1 and boto3 use) at the current
# time and prints them as JSON, so the C# verifier can be checked against an independent implementation.
import base64, json, sys
from urllib.parse import urlsplit
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

creds = Credentials(sys.argv[1], sys.argv[2])
cases = [
    ("GET", "/", {}, b""),
    ("POST", "/", {"X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.ListImages",
                   "Content-Type": "application/x-amz-json-1.1"}, b'{"repositoryName":"a/b"}'),
    ("GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/configuration", {}, b""),
    ("GET", "/path/with%20space/and~tilde/%E2%82%AC?b=2&a=1&a=0&empty=&sp=a%20b&slash=%2F", {}, b""),
    ("PUT", "/a/./b/../c//d/", {"X-Custom": "  many   spaces  here "}, b"\x00\x01binary"),
]
out = []
for presign in (False, True):
    for method, target, headers, body in cases:
        if presign and body:
            continue  # botocore moves a presigned body into the query; presigned URLs are for bodiless requests
        url = "http://127.0.0.1:9" + target
        req = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
        req.headers["Host"] = "127.0.0.1:9"
        if presign:
            SigV4QueryAuth(creds, "service", "us-east-1", expires=300).add_auth(req)
        else:
            SigV4Auth(creds, "service", "us-east-1").add_auth(req)
        parts = urlsplit(req.url)
        out.append({
            "presigned": presign,
            "method": method,
            "path": parts.path,
            "query": parts.query,
            "headers": [[k, v] for k, v in req.headers.items()],
            "body": base64.b64encode(body).decode(),
        })
print(json.dumps(out))
