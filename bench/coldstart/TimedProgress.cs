using System.Diagnostics;
using Lamina.Images;

namespace Lamina.Bench.Coldstart;

/// <summary>
/// Records, synchronously on the reporting thread, when the last byte was downloaded: pull = start to
/// that moment, unpack = the rest (layers run in parallel, so this split is approximate for many layers).
/// </summary>
internal sealed class TimedProgress(Stopwatch clock) : IProgress<PullProgress>
{
    public double LastDownloadMs { get; private set; }

    public void Report(PullProgress value)
    {
        if (value.Phase is PullPhase.Downloading or PullPhase.Manifest or PullPhase.Config) LastDownloadMs = clock.Elapsed.TotalMilliseconds;
    }
}
