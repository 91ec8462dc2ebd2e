using System.Diagnostics;
using Lamina.Control.States;
using Lamina.Images;

namespace Lamina.Scheduler;

/// <summary>
/// Folds one pull's <see cref="PullProgress"/> reports (from several layer tasks at once) into an
/// <see cref="ImagePullStatus"/> that the image-pull endpoint reads while the function is Pending.
/// </summary>
internal sealed class PullTracker(string digest) : IProgress<PullProgress>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private string _phase = "starting";
    private int _layers;
    private long _total;
    private string? _error;
    private TimeSpan? _finished;

    public void Report(PullProgress value)
    {
        lock (_lock)
        {
            var layer = value.Layer?.ToString();
            switch (value.Phase)
            {
                case PullPhase.Layers:
                    _layers = value.LayerCount;
                    _total = value.Total ?? 0;
                    break;
                case PullPhase.Downloading when layer is not null:
                    _bytes[layer] = value.Bytes;
                    _phase = "downloading";
                    break;
                case PullPhase.Unpacking:
                    _phase = "unpacking";
                    break;
                case PullPhase.LayerCached or PullPhase.LayerDone when layer is not null:
                    _bytes[layer] = value.Bytes;
                    _done.Add(layer);
                    break;
                case PullPhase.Done:
                    _phase = "done";
                    _finished = _clock.Elapsed;
                    break;
            }
        }
    }

    /// <summary>Marks the pull failed with the image store's message.</summary>
    public void Fail(string message)
    {
        lock (_lock)
        {
            _phase = "failed";
            _error = message;
            _finished = _clock.Elapsed;
        }
    }

    public ImagePullStatus Snapshot()
    {
        lock (_lock)
            return new ImagePullStatus(digest, _phase, _done.Count, _layers, _bytes.Values.Sum(), _total, _finished ?? _clock.Elapsed, _error);
    }
}
