# Sequential latency of control-plane calls with boto3 against a running 'lamina server --no-auth'.
# Usage: python3 control_api_bench.py http://127.0.0.1:PORT   (see docs/control-plane.md for figures)
import sys, time, statistics, boto3, json, urllib.request, hashlib
ep=sys.argv[1]; port=ep.rsplit(':',1)[1]
# push tiny image over /v2/ (no auth)
def put(url, data, ct, method):
    r=urllib.request.Request(ep+url, data=data, method=method, headers={"Content-Type":ct}); return urllib.request.urlopen(r)
cfg=b'{"architecture":"amd64","os":"linux"}'; layer=b'layer'
for b in (cfg,layer):
    d="sha256:"+hashlib.sha256(b).hexdigest(); put(f"/v2/bench/app/blobs/uploads/?digest={d}", b, "application/octet-stream","POST")
m=json.dumps({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:"+hashlib.sha256(cfg).hexdigest(),"size":len(cfg)},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:"+hashlib.sha256(layer).hexdigest(),"size":len(layer)}]}).encode()
put("/v2/bench/app/manifests/v1", m, "application/vnd.oci.image.manifest.v1+json","PUT")
lam=boto3.client("lambda", endpoint_url=ep, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
img=f"127.0.0.1:{port}/bench/app:v1"
def timed(n, f):
    ts=[]
    for i in range(n):
        t=time.perf_counter(); f(i); ts.append((time.perf_counter()-t)*1000)
    ts.sort(); return statistics.median(ts), ts[int(len(ts)*0.99)-1], n/ (sum(ts)/1000)
N=200
c=timed(N, lambda i: lam.create_function(FunctionName=f"b{i}", PackageType="Image", Code={"ImageUri":img}, Role="arn:aws:iam::000000000000:role/x"))
lam.get_waiter("function_active_v2").wait(FunctionName=f"b{N-1}")
g=timed(N, lambda i: lam.get_function(FunctionName=f"b{i}"))
p=timed(50, lambda i: lam.publish_version(FunctionName=f"b{i}"))
l=timed(20, lambda i: lam.list_functions(MaxItems=50))
for name,(p50,p99,rate) in [("CreateFunction",c),("GetFunction",g),("PublishVersion",p),("ListFunctions(50)",l)]:
    print(f"{name:20s} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  {rate:7.1f} req/s (sequential, one boto3 client)")
