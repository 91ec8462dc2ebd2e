using System.Text.Json;

namespace Lamina.Control.Tests;

/// <summary>boto3 against the Logs API: user-written events, paging of every list operation, and AWS's error types.</summary>
public sealed class LogsBoto3Tests
{
    private const string Script = """
        import boto3, json, sys, time
        from botocore.config import Config
        c = boto3.client("logs", endpoint_url=sys.argv[1], config=Config(retries={"max_attempts": 1}))
        out = {}
        def err(f):
            try:
                f()
                return "no error"
            except c.exceptions.ClientError as e:
                return e.response["Error"]["Code"]
        c.create_log_group(logGroupName="app")
        for i in range(5):
            c.create_log_stream(logGroupName="app", logStreamName=f"s{i}")
        now = int(time.time() * 1000) - 600000
        c.put_log_events(logGroupName="app", logStreamName="s0", logEvents=[{"timestamp": now + i, "message": f"m{i:03}"} for i in range(250)])
        c.put_log_events(logGroupName="app", logStreamName="s3", logEvents=[{"timestamp": now + 500, "message": "late"}])
        pages = list(c.get_paginator("filter_log_events").paginate(logGroupName="app", PaginationConfig={"PageSize": 100}))
        out["filter_pages"] = len(pages)
        out["filter_messages"] = [e["message"] for p in pages for e in p["events"]]
        out["filter_ids_unique"] = len({e["eventId"] for p in pages for e in p["events"]})
        fwd, token, calls = [], None, 0
        while calls < 10:
            kw = {"nextToken": token} if token else {"startFromHead": True}
            r = c.get_log_events(logGroupName="app", logStreamName="s0", limit=100, **kw)
            calls += 1
            fwd += [e["message"] for e in r["events"]]
            if r["nextForwardToken"] == token:
                break
            token = r["nextForwardToken"]
        out["forward"] = fwd
        out["forward_calls"] = calls
        last = c.get_log_events(logGroupName="app", logStreamName="s0", limit=100)
        before = c.get_log_events(logGroupName="app", logStreamName="s0", limit=100, nextToken=last["nextBackwardToken"])
        out["last_page"] = [e["message"] for e in last["events"]]
        out["before_last"] = [e["message"] for e in before["events"]]
        sp = list(c.get_paginator("describe_log_streams").paginate(logGroupName="app", orderBy="LastEventTime", descending=True, PaginationConfig={"PageSize": 2}))
        out["stream_pages"] = len(sp)
        out["streams_by_time"] = [s["logStreamName"] for p in sp for s in p["logStreams"]]
        out["streams_by_name"] = [s["logStreamName"] for p in c.get_paginator("describe_log_streams").paginate(logGroupName="app", PaginationConfig={"PageSize": 2}) for s in p["logStreams"]]
        out["streams_by_name_desc"] = [s["logStreamName"] for p in c.get_paginator("describe_log_streams").paginate(logGroupName="app", logStreamNamePrefix="s", descending=True, PaginationConfig={"PageSize": 3}) for s in p["logStreams"]]
        for i in range(3):
            c.create_log_group(logGroupName=f"g{i}")
        gp = list(c.get_paginator("describe_log_groups").paginate(PaginationConfig={"PageSize": 2}))
        out["groups"] = [g["logGroupName"] for p in gp for g in p["logGroups"]]
        c.put_retention_policy(logGroupName="app", retentionInDays=7)
        out["retention"] = c.describe_log_groups(logGroupNamePrefix="app")["logGroups"][0].get("retentionInDays")
        c.delete_retention_policy(logGroupName="app")
        out["retention_after_delete"] = c.describe_log_groups(logGroupNamePrefix="app")["logGroups"][0].get("retentionInDays")
        out["errors"] = {
            "duplicate_group": err(lambda: c.create_log_group(logGroupName="app")),
            "duplicate_stream": err(lambda: c.create_log_stream(logGroupName="app", logStreamName="s0")),
            "missing_group": err(lambda: c.get_log_events(logGroupName="nope", logStreamName="s0")),
            "missing_stream": err(lambda: c.get_log_events(logGroupName="app", logStreamName="nope")),
            "bad_name": err(lambda: c.create_log_group(logGroupName="bad name!")),
            "bad_retention": err(lambda: c.put_retention_policy(logGroupName="app", retentionInDays=2)),
            "unordered": err(lambda: c.put_log_events(logGroupName="app", logStreamName="s1", logEvents=[{"timestamp": now + 2, "message": "b"}, {"timestamp": now + 1, "message": "a"}])),
            "missing_stream_put": err(lambda: c.put_log_events(logGroupName="app", logStreamName="zz", logEvents=[{"timestamp": now, "message": "x"}])),
            "bad_token": err(lambda: c.filter_log_events(logGroupName="app", nextToken="garbage")),
            "json_pattern": err(lambda: c.filter_log_events(logGroupName="app", filterPattern="{ $.a = 1 }")),
            "bad_limit": err(lambda: c.describe_log_streams(logGroupName="app", limit=51)),
            "prefix_with_time": err(lambda: c.describe_log_streams(logGroupName="app", orderBy="LastEventTime", logStreamNamePrefix="s")),
            "delete_missing": err(lambda: c.delete_log_group(logGroupName="nope")),
        }
        out["s1_after_refused_put"] = len(c.get_log_events(logGroupName="app", logStreamName="s1")["events"])
        c.delete_log_group(logGroupName="g0")
        out["groups_after_delete"] = [g["logGroupName"] for g in c.describe_log_groups()["logGroups"]]
        print(json.dumps(out))
        """;

    [Fact]
    public async Task Paging_user_events_retention_and_error_types()
    {
        await using var t = await ControlTestHost.StartAsync();
        var script = Path.Combine(t.DataDir, "logs_boto3.py");
        await File.WriteAllTextAsync(script, Script);
        var r = await ToolRunner.RunAsync("python3", [script, t.Endpoint], t.AwsEnv());
        Assert.True(r.ExitCode == 0, r.ToString());
        var o = JsonDocument.Parse(r.Stdout).RootElement;
        string[] Strings(string name) => [.. o.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

        var all = Enumerable.Range(0, 250).Select(i => $"m{i:000}").ToList();
        var interleaved = all.Take(250).ToList();
        interleaved.Insert(250, "late"); // timestamp now+500 sorts after every m (now+0..249)
        Assert.Equal(interleaved, Strings("filter_messages"));
        Assert.Equal(251, o.GetProperty("filter_ids_unique").GetInt32());
        Assert.True(o.GetProperty("filter_pages").GetInt32() >= 3);
        Assert.Equal(all, Strings("forward"));
        Assert.Equal(4, o.GetProperty("forward_calls").GetInt32()); // 100, 100, 50, then the same token back
        Assert.Equal(all.Skip(150), Strings("last_page"));
        Assert.Equal(all.Skip(50).Take(100), Strings("before_last"));
        Assert.Equal(3, o.GetProperty("stream_pages").GetInt32());
        var byTime = Strings("streams_by_time");
        Assert.Equal(["s3", "s0"], byTime.Take(2));
        Assert.Equal(5, byTime.Distinct().Count());
        Assert.Equal(["s0", "s1", "s2", "s3", "s4"], Strings("streams_by_name"));
        Assert.Equal(["s4", "s3", "s2", "s1", "s0"], Strings("streams_by_name_desc"));
        Assert.Equal(["app", "g0", "g1", "g2"], Strings("groups"));
        Assert.Equal(7, o.GetProperty("retention").GetInt32());
        Assert.Equal(JsonValueKind.Null, o.GetProperty("retention_after_delete").ValueKind);
        Assert.Equal(["app", "g1", "g2"], Strings("groups_after_delete"));

        var errors = o.GetProperty("errors");
        string Error(string name) => errors.GetProperty(name).GetString()!;
        Assert.Equal("ResourceAlreadyExistsException", Error("duplicate_group"));
        Assert.Equal("ResourceAlreadyExistsException", Error("duplicate_stream"));
        Assert.Equal("ResourceNotFoundException", Error("missing_group"));
        Assert.Equal("ResourceNotFoundException", Error("missing_stream"));
        Assert.Equal("ResourceNotFoundException", Error("missing_stream_put"));
        Assert.Equal("ResourceNotFoundException", Error("delete_missing"));
        foreach (var name in new[] { "bad_name", "bad_retention", "unordered", "bad_token", "json_pattern", "bad_limit", "prefix_with_time" })
            Assert.Equal("InvalidParameterException", Error(name));
        Assert.Equal(0, o.GetProperty("s1_after_refused_put").GetInt32());
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_and_writes_nothing()
    {
        await using var t = await ControlTestHost.StartAsync();
        var env = t.AwsEnv("wrong-secret");
        var r = await ToolRunner.RunAsync(ControlTestHost.CliV2, ["--endpoint-url", t.Endpoint, "logs", "create-log-group", "--log-group-name", "x"], env);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("InvalidSignatureException", r.Stderr);
        var groups = await LogsTestSupport.LogsAsync(t, false, "describe-log-groups");
        Assert.Empty(JsonDocument.Parse(groups.Stdout).RootElement.GetProperty("logGroups").EnumerateArray());
    }
}
