# Sequential latency of Event invokes (each committed to async.db before 202) and of the Logs API with boto3,
# against a running 'lamina server --no-auth' on which control_api_bench.py ran first (it creates function b0).
# Usage: python3 async_logs_bench.py http://127.0.0.1:PORT   (figures in docs/logs.md)
import sys, time, statistics, json, boto3
ep = sys.argv[1]
creds = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
lam, logs = boto3.client("lambda", **creds), boto3.client("logs", **creds)

def timed(n, f):
    ts = []
    for i in range(n):
        t = time.perf_counter(); f(i); ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    return statistics.median(ts), ts[int(len(ts) * 0.99) - 1], n / (sum(ts) / 1000)

rows = [("Invoke Event (202)", timed(300, lambda i: lam.invoke(FunctionName="b0", InvocationType="Event", Payload=json.dumps({"i": i}))))]
logs.create_log_group(logGroupName="bench"); logs.create_log_stream(logGroupName="bench", logStreamName="s")
base = int(time.time() * 1000) - 3600_000
rows.append(("PutLogEvents (100 ev)", timed(200, lambda i: logs.put_log_events(logGroupName="bench", logStreamName="s",
    logEvents=[{"timestamp": base + i * 100 + j, "message": f"line {i} {j} " + "x" * 80} for j in range(100)]))))
rows.append(("GetLogEvents (100)", timed(100, lambda i: logs.get_log_events(logGroupName="bench", logStreamName="s", limit=100, startFromHead=True))))
rows.append(("FilterLogEvents term", timed(50, lambda i: logs.filter_log_events(logGroupName="bench", filterPattern=f"\"line {i * 3} 7 \""))))
for name, (p50, p99, rate) in rows:
    print(f"{name:24s} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  {rate:7.1f} req/s (sequential, one boto3 client)")
