namespace Pmm.Core.Cycles;

/// <summary>Where a cycle is in its life.</summary>
public enum CycleStatus
{
    Open,
    Closing,
    Closed,

    /// <summary>Closing stopped: the final benchmarks could not be computed (see <see cref="Cycle.FailureReason"/>); staff retry it once the cause is fixed.</summary>
    Failed,
}

/// <summary>
/// A collection cycle: which year it collects, until when, and the versions of the KPI catalogue and of the Members
/// reference set it is pinned to (fixed when it opens: every upload, template and benchmark of the cycle uses them).
/// <see cref="FailureReason"/> says why closing stopped while the cycle is <see cref="CycleStatus.Failed"/>.
/// </summary>
public sealed record Cycle(
    string CycleId,
    int ReportingYear,
    DateTimeOffset Deadline,
    CycleStatus Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt,
    string? ClosedReason,
    string CatalogueVersion,
    string MembersVersion,
    string? FailureReason = null);

/// <summary>Why a cycle does not take a submission now, or null when it does.</summary>
public sealed record SubmissionRefusal(string Code, string Message);

/// <summary>Rules about cycles that do not depend on storage.</summary>
public static class CycleRules
{
    public const int EarliestReportingYear = 2000;

    /// <summary>Checks a request to open a cycle; returns a message per problem.</summary>
    public static IReadOnlyList<string> CheckOpen(string? cycleId, int reportingYear, DateTimeOffset deadline, DateTimeOffset now)
    {
        var problems = new List<string>();
        if (!Identifiers.IsCycleId(cycleId))
        {
            problems.Add("cycleId must be 3-40 letters, digits or hyphens, e.g. '2026'.");
        }

        if (reportingYear < EarliestReportingYear || reportingYear > now.Year)
        {
            problems.Add($"reportingYear must be between {EarliestReportingYear} and {now.Year}.");
        }

        if (deadline <= now)
        {
            problems.Add("deadline must be in the future (ISO 8601 with offset, e.g. 2026-03-31T23:59:59Z).");
        }

        return problems;
    }

    /// <summary>Whether a Member may submit to the cycle now, with the reason when not.</summary>
    public static SubmissionRefusal? RefuseSubmission(Cycle cycle, DateTimeOffset now) => cycle.Status switch
    {
        CycleStatus.Closed or CycleStatus.Closing or CycleStatus.Failed => new("cycle-closed", $"Cycle {cycle.CycleId} is closed ({cycle.ClosedReason ?? "closed"}); it no longer accepts submissions."),
        _ when now > cycle.Deadline => new("deadline-passed", $"The deadline of cycle {cycle.CycleId} ({cycle.Deadline:u}) has passed; ask the WCO Secretariat for an extension."),
        _ => null,
    };
}
