namespace Pmm.Core.Audit;

/// <summary>The state changes the audit trail records (README, "Audit trail").</summary>
public enum AuditAction
{
    CycleOpened,
    DeadlineExtended,
    MemberExtended,
    UploadReceived,
    Verdict,
    MadeCurrent,
    Reviewed,
    ReviewReopened,
    ReminderSent,
    CloseRequested,
    Closed,
    Computed,
    ComputationFailed,
    Published,
    ReferencePublished,
}

/// <summary>
/// One entry of a cycle's audit trail: what changed, when, who did it and why. <see cref="EventKey"/> names the change
/// itself (e.g. <c>verdict~{submissionId}</c>), not the attempt that recorded it: an activity retried after a crash
/// writes the same key again and the trail keeps one entry. <see cref="Actor"/> is a caller's subject, or
/// <see cref="SystemActor"/> for what the pipeline did on its own (a verdict, a deadline reached, a reminder).
/// <see cref="Details"/> holds small facts (size, content hash, status, counts), never a KPI value or a contact's
/// address.
/// </summary>
public sealed record AuditEvent(
    string CycleId,
    string EventKey,
    AuditAction Action,
    DateTimeOffset At,
    string Actor,
    string? MemberCode = null,
    string? Reason = null,
    IReadOnlyDictionary<string, string>? Details = null)
{
    /// <summary>The actor of what the pipeline does by itself.</summary>
    public const string SystemActor = "system";

    /// <summary>The trail of cycle-less changes (reference data published) is kept under this cycle id.</summary>
    public const string ReferenceTrail = "_reference";

    /// <summary>An event key from its parts, joined by <c>~</c> (a character no cycle id, Member code or submission id holds).</summary>
    public static string Key(params string[] parts) => string.Join('~', parts);
}
