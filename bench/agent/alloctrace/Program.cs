using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// usage: AllocTrace TRACE.nettrace [stacks=10]
// GC budgets (GCGlobalHeapHistory's FinalYoungestDesired) show what the GC will let gen0 grow to before the next GC;
// AllocationTick events (one per ~100 KB allocated, with the type and stack of the allocation that crossed it) give
// the allocating types and call sites.
var stacks = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var source = log.Events.GetSource();
var byType = new Dictionary<string, long>();
var byStack = new Dictionary<string, long>();
var pinned = new Dictionary<string, int>();
long allocated = 0;
int gcs = 0, gen0 = 0, gen1 = 0, gen2 = 0;
source.Clr.GCAllocationTick += e =>
{
    allocated += e.AllocationAmount64;
    var type = e.TypeName + e.AllocationKind switch { GCAllocationKind.Large => " [LOH]", GCAllocationKind.Pinned => " [POH]", _ => "" };
    byType[type] = byType.GetValueOrDefault(type) + e.AllocationAmount64;
    var frames = new List<string>();
    for (var frame = e.CallStack(); frame is not null && frames.Count < 8; frame = frame.Caller)
    {
        frames.Add(frame.CodeAddress.FullMethodName is { Length: > 0 } name ? name : "?");
    }
    var key = type + "\n      " + string.Join("\n      ", frames);
    byStack[key] = byStack.GetValueOrDefault(key) + e.AllocationAmount64;
};
source.Clr.GCStart += e =>
{
    gcs++;
    _ = e.Depth switch { 0 => gen0++, 1 => gen1++, _ => gen2++ };
};
source.Clr.GCGlobalHeapHistory += e =>
{
    if (gcs <= 4 || gcs % 16 == 0)
    {
        Console.WriteLine($"{e.TimeStampRelativeMSec,9:F0} ms  GC #{gcs} (gen{e.CondemnedGeneration}, {e.Reason}): next gen0 budget {e.FinalYoungestDesired / 1024} KB");
    }
};
source.Clr.GCPinObjectAtGCTime += e => pinned[e.TypeName] = pinned.GetValueOrDefault(e.TypeName) + 1;
source.Process();
Console.WriteLine($"GCs {gcs} (gen0 {gen0}, gen1 {gen1}, gen2 {gen2}); allocated ~{allocated / 1024} KB (AllocationTick sum)");
foreach (var (type, bytes) in byType.OrderByDescending(p => p.Value).Take(20))
{
    Console.WriteLine($"{bytes / 1024,9} KB  {type}");
}
Console.WriteLine("pinned at GC time: " + string.Join(", ", pinned.OrderByDescending(p => p.Value).Take(10).Select(p => $"{p.Key} x{p.Value}")));
foreach (var (stack, bytes) in byStack.OrderByDescending(p => p.Value).Take(stacks))
{
    Console.WriteLine($"{bytes / 1024,9} KB  {stack}");
}
