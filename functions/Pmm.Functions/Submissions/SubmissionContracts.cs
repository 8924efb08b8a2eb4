using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Submissions;

/// <summary>Input of the validation orchestration and its activities.</summary>
public sealed record SubmissionRef(string CycleId, string MemberCode, string SubmissionId);

/// <summary>The validation verdict the orchestration returns, with the disclosure level of each computed KPI.</summary>
public sealed record ValidationSummary(ValidationStatus Status, int Errors, int Warnings, IReadOnlyDictionary<string, decimal> KpiValues, IReadOnlyDictionary<string, string>? Disclosure = null, IReadOnlyDictionary<string, decimal>? ItemValues = null);

/// <summary>The status resource of a submission.</summary>
public sealed record SubmissionView(
    string SubmissionId,
    string CycleId,
    string MemberCode,
    string Status,
    bool IsCurrent,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? CompletedAt,
    string ContentHash,
    long SizeBytes,
    string UploadedBy,
    int Errors,
    int Warnings,
    string? Format,
    IReadOnlyList<Finding>? Findings,
    IReadOnlyDictionary<string, decimal>? KpiValues,
    string StatusUrl,
    CanonicalSubmission? Canonical = null)
{
    public static SubmissionView From(SubmissionRecord r, bool isCurrent, ValidationResult? result) => new(
        r.SubmissionId,
        r.CycleId,
        r.MemberCode,
        r.Status.ToString().ToLowerInvariant(),
        isCurrent,
        r.ReceivedAt,
        r.CompletedAt,
        r.ContentHash,
        r.SizeBytes,
        r.UploadedBy,
        r.Errors,
        r.Warnings,
        result?.Format,
        result?.Findings,
        result?.KpiValues,
        UrlOf(r.CycleId, r.MemberCode, r.SubmissionId),
        result?.Canonical);

    public static string UrlOf(string cycleId, string memberCode, string submissionId) =>
        Routes.Url(Routes.Submission, cycleId, memberCode, submissionId);
}
