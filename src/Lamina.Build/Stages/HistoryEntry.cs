namespace Lamina.Build.Stages;

/// <summary>One image config history entry; <see cref="EmptyLayer"/> for instructions that change only the config.</summary>
internal sealed record HistoryEntry(DateTimeOffset Created, string CreatedBy, bool EmptyLayer, string? Comment = null);
