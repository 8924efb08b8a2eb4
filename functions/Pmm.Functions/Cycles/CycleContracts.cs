using Pmm.Core.Cycles;
using Pmm.Functions.Benchmarks;

namespace Pmm.Functions.Cycles;

/// <summary>Body of <see cref="CycleFunctions.OpenCycle"/>. Without a catalogue or Members version, the cycle uses the embedded (default) one.</summary>
public sealed record OpenCycleRequest(string? CycleId, int ReportingYear, DateTimeOffset? Deadline, string? CatalogueVersion = null, string? MembersVersion = null);

/// <summary>Body of <see cref="CycleFunctions.ExtendDeadline"/>.</summary>
public sealed record ExtendDeadlineRequest(DateTimeOffset? Deadline);

/// <summary>Input of the cycle orchestration.</summary>
public sealed record CycleOrchestrationInput(string CycleId, int ReportingYear, DateTimeOffset Deadline);

/// <summary>Payload of the close event.</summary>
public sealed record CloseCycleEvent(string RequestedBy);

/// <summary>Payload of the deadline extension event.</summary>
public sealed record ExtendDeadlineEvent(DateTimeOffset Deadline, string RequestedBy);

/// <summary>Payload of the retry event: staff ask a failed cycle to compute its final benchmarks again.</summary>
public sealed record RetryCycleEvent(string RequestedBy);

/// <summary>Input of the activity that records a cycle's status (with why closing failed, for <see cref="CycleStatus.Failed"/>).</summary>
public sealed record CycleStatusChange(string CycleId, CycleStatus Status, DateTimeOffset? At, string? Reason, string? FailureReason = null);

/// <summary>Input of the activity that records a new deadline.</summary>
public sealed record CycleDeadlineChange(string CycleId, DateTimeOffset Deadline);

/// <summary>What the cycle orchestration returns when it completes.</summary>
public sealed record CycleOutcome(string CycleId, string ClosedReason, DateTimeOffset ClosedAt, int Respondents, int BenchmarkRows, string? SnapshotId = null);

/// <summary>External event names of the cycle orchestration: one source for raisers and waiters.</summary>
public static class CycleEvents
{
    public const string Close = "CloseCycle";
    public const string ExtendDeadline = "ExtendDeadline";
    public const string Retry = "RetryCycle";
}

/// <summary>
/// What staff and Members see of a cycle, with the catalogue and Members reference versions it is pinned to, and why
/// closing failed while it is <c>failed</c>.
/// </summary>
public sealed record CycleView(string CycleId, int ReportingYear, DateTimeOffset Deadline, string Status, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt, string? ClosedReason, string CatalogueVersion, string MembersVersion, string? Orchestration, string? FailureReason = null)
{
    /// <summary>Whether the cycle's final benchmarks are published, embargoed until a release time, or not yet (README, "Cycle states").</summary>
    public PublicationView? Publication { get; init; }

    public static CycleView From(Cycle c, string? orchestration = null) =>
        new(c.CycleId, c.ReportingYear, c.Deadline, c.Status.ToString().ToLowerInvariant(), c.OpenedAt, c.ClosedAt, c.ClosedReason, c.CatalogueVersion, c.MembersVersion, orchestration, c.FailureReason);

    /// <summary>
    /// The cycle as a caller may see it: the failure reason is the computation's error, for the Secretariat that can fix
    /// its cause; Members and Readers see only that the cycle failed.
    /// </summary>
    public static Cycle Visible(Cycle cycle, bool staff)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        return staff ? cycle : cycle with { FailureReason = null };
    }
}
