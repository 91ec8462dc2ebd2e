using Lamina.Fuzz;
using SharpFuzz;

// Lamina.Fuzz TARGET            afl-fuzz mode: inputs arrive through SharpFuzz (fuzz/run.sh starts it)
// Lamina.Fuzz TARGET PATH...    replay files (or every file of a directory) in-process and print each outcome
// Lamina.Fuzz list              the target names
if (args.Length == 0 || args[0] == "list")
{
    Console.WriteLine(string.Join('\n', FuzzTargets.All.Select(t => t.Name)));
    return args.Length == 0 ? 2 : 0;
}
if (FuzzTargets.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine($"unknown target '{args[0]}'; targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
    return 2;
}
if (args.Length == 1)
{
    // Out of process: a StackOverflowException or a hang kills the child, which afl-fuzz sees as a crash or a
    // timeout, instead of taking the fork server down with it.
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.ToArray());
    });
    return 0;
}
var findings = 0;
foreach (var file in args.Skip(1).SelectMany<string, string>(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal) : [p]))
{
    try
    {
        Console.WriteLine($"{file}: {target.Run(File.ReadAllBytes(file))}");
    }
    catch (Exception e)
    {
        findings++;
        Console.WriteLine($"{file}: FINDING {e.GetType().Name}: {e.Message}");
        Console.Error.WriteLine(e);
    }
}
return findings == 0 ? 0 : 1;
