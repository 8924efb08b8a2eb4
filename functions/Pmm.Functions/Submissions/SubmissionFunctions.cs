using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pmm.Core;
using Pmm.Core.Benchmarks;
using Pmm.Core.Catalogue;
using Pmm.Core.Cycles;
using Pmm.Core.Formats;
using Pmm.Core.Formats.Excel;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;
using Pmm.Functions.Auth;
using Pmm.Functions.Catalogue;
using Pmm.Functions.Configuration;
using Pmm.Functions.Cycles;
using Pmm.Functions.Http;
using Pmm.Functions.Telemetry;
using Pmm.Storage;

namespace Pmm.Functions.Submissions;

/// <summary>
/// The submission feature: a Member uploads a file for an open cycle; the original bytes are kept in Blob
/// storage, a validation orchestration (instance id <c>submission-{id}</c>) checks it and, when accepted,
/// makes it the Member's current submission.
/// </summary>
public sealed class SubmissionFunctions(
    CycleStore cycles,
    SubmissionStore submissions,
    CurrentSubmissionStore current,
    ReferenceDataProvider reference,
    SubmissionVersions versions,
    SubmissionIntake intake,
    IOptions<UploadOptions> uploads,
    TimeProvider clock)
{
    /// <summary>The <c>Retry-After</c> (seconds) of a status read of a submission still <c>received</c> or <c>validating</c>.</summary>
    public const int UnfinishedRetryAfterSeconds = 1;

    public static string InstanceIdOf(string submissionId) => $"submission-{submissionId}";

    [Function(nameof(UploadSubmission))]
    [Access(AppRoles.Member, AppRoles.Staff, MemberScoped = true)]
    public async Task<IActionResult> UploadSubmission(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Submissions)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        string memberCode,
        CancellationToken cancellationToken)
    {
        var caller = req.HttpContext.GetCaller();
        var (upload, problem) = await intake.ReadUploadAsync(req, cycleId, memberCode, requireOpen: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (content, contentType, now, _, data) = upload;
        try
        {
            var (view, created) = await versions.ReceiveAsync(client, cycleId, memberCode, content, contentType, now, data.Catalogue, caller!.Subject, cancellationToken);
            return created ? new AcceptedResult(view.StatusUrl, view) : new OkObjectResult(view);
        }
        catch (ConcurrentUploadsException)
        {
            req.HttpContext.Response.Headers.RetryAfter = "2";
            return Problems.Conflict(ProblemCodes.ConcurrentUploads, $"Other uploads of Member {memberCode} were being stored at the same moment, and this one was not kept. Send it again in a few seconds.");
        }
    }

    /// <summary>
    /// Checks a file with the same engine as an upload, synchronously, and stores nothing: for trying a file
    /// before submitting it. Works on open and closed cycles (only the reporting year is needed).
    /// </summary>
    [Function(nameof(ValidateOnly))]
    [Access(AppRoles.Member, AppRoles.Staff, MemberScoped = true)]
    public async Task<IActionResult> ValidateOnly(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Validate)] HttpRequest req,
        string cycleId,
        string memberCode,
        CancellationToken cancellationToken)
    {
        var (upload, problem) = await intake.ReadUploadAsync(req, cycleId, memberCode, requireOpen: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var result = await intake.ValidateOnlyAsync(upload, memberCode, cancellationToken);
        return new OkObjectResult(new
        {
            cycleId,
            memberCode,
            status = result.Status.ToString(),
            stored = false,
            result.Format,
            errors = result.Errors,
            warnings = result.Warnings,
            result.Findings,
            result.KpiValues,
        });
    }

    /// <summary>The Excel template of a cycle for a Member: one row per data item, T and T-1 columns, protected headers.</summary>
    [Function(nameof(GetTemplate))]
    [Access(AppRoles.Member, AppRoles.Staff, MemberScoped = true)]
    public async Task<IActionResult> GetTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Template)] HttpRequest req,
        string cycleId,
        string memberCode,
        CancellationToken cancellationToken)
    {
        var (workbook, fileName, problem) = await intake.TemplateAsync(cycleId, memberCode, cancellationToken);
        return problem ?? new FileContentResult(workbook, SubmissionFormats.Xlsx) { FileDownloadName = fileName };
    }

    [Function(nameof(GetSubmission))]
    [Access(AppRoles.Member, AppRoles.Staff, MemberScoped = true)]
    public async Task<IActionResult> GetSubmission(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Submission)] HttpRequest req,
        string cycleId,
        string memberCode,
        string submissionId,
        CancellationToken cancellationToken)
    {
        if (await submissions.GetAsync(cycleId, memberCode, submissionId, cancellationToken) is not { } record)
        {
            return Problems.NotFound(ProblemCodes.SubmissionNotFound, $"Member {memberCode} has no submission '{Problems.Shown(submissionId)}' in cycle '{Problems.Shown(cycleId)}'.");
        }

        if (record.Status is not (SubmissionStatus.Accepted or SubmissionStatus.Rejected))
        {
            // Clients poll this while a deadline burst is validated: one table read, and a hint how long to wait, so that
            // polling does not compete with validation for storage. Not current before its verdict is shown.
            req.HttpContext.Response.Headers.RetryAfter = UnfinishedRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return new OkObjectResult(SubmissionView.From(record, isCurrent: false, null));
        }

        var result = await submissions.GetResultAsync(record, cancellationToken);
        return new OkObjectResult(SubmissionView.From(record, await IsCurrentAsync(record, cancellationToken), result));
    }

    [Function(nameof(ListSubmissions))]
    [Access(AppRoles.Member, AppRoles.Staff, MemberScoped = true)]
    public async Task<IActionResult> ListSubmissions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Submissions)] HttpRequest req,
        string cycleId,
        string memberCode,
        CancellationToken cancellationToken)
    {
        var currentId = await current.GetCurrentIdAsync(cycleId, memberCode, cancellationToken);
        var versions = await submissions.ListAsync(cycleId, memberCode, cancellationToken);
        return new OkObjectResult(versions.Select(r => SubmissionView.From(r, r.SubmissionId == currentId, null)));
    }

    /// <summary>
    /// Validates one submission and, when accepted, makes it the Member's current one. The verdict is
    /// recorded last, so a submission shown as accepted is already the one benchmarks count.
    /// </summary>
    [Function(nameof(ValidationOrchestration))]
    public static async Task<ValidationSummary> ValidationOrchestration([OrchestrationTrigger] TaskOrchestrationContext context, SubmissionRef submission)
    {
        try
        {
            return await context.CallActivityAsync<ValidationSummary>(nameof(ValidateSubmission), submission, CycleFunctions.Retry);
        }
        catch (TaskFailedException ex)
        {
            // After the retries, the submitter still gets an answer instead of "validating" forever.
            context.CreateReplaySafeLogger<SubmissionFunctions>().LogError("Validation of {SubmissionId} failed: {Error}", submission.SubmissionId, ex.Message);
            await context.CallActivityAsync(nameof(RecordSystemError), submission, CycleFunctions.Retry);
            return new ValidationSummary(ValidationStatus.Rejected, 1, 0, new Dictionary<string, decimal>());
        }
    }

    /// <summary>
    /// Everything a version's validation does, in one activity (each step can be repeated, so a retry after a crash is
    /// safe): reads the stored original, parses and validates it, stores the result with its findings, makes an accepted
    /// version current unless the cycle has stopped taking submissions meanwhile, and shows the verdict. One activity
    /// instead of three saves two rounds of durable messages and history per upload.
    /// </summary>
    [Function(nameof(ValidateSubmission))]
    public async Task<ValidationSummary> ValidateSubmission([ActivityTrigger] SubmissionRef submission)
    {
        using var span = PmmTelemetry.StartValidation(submission.CycleId);
        var record = await submissions.GetAsync(submission.CycleId, submission.MemberCode, submission.SubmissionId)
            ?? throw new InvalidOperationException($"Submission {submission.SubmissionId} has no record.");
        var cycle = await cycles.GetAsync(submission.CycleId)
            ?? throw new InvalidOperationException($"Cycle {submission.CycleId} has no record.");
        await submissions.SetStatusAsync(record, SubmissionStatus.Validating);
        var bytes = await submissions.ReadOriginalAsync(record);
        var parsed = SubmissionFormats.Read(record.ContentType, bytes.ToStream(), uploads.Value.ExcelLimits);
        var data = await reference.ForCycleAsync(cycle);
        var peers = await PeersAsync(submission.CycleId, submission.MemberCode, data.Catalogue);
        var result = data.Validator.Validate(parsed, cycle.ReportingYear, peers.Kpis, peers.Items);
        PmmTelemetry.Validated(span, submission.CycleId, result);
        await submissions.SaveResultAsync(record, result);
        var disclosure = result.Canonical?.Disclosure.Where(d => result.KpiValues.ContainsKey(d.Key)).ToDictionary(StringComparer.Ordinal);
        if (result.Status != ValidationStatus.Rejected && (await cycles.GetAsync(submission.CycleId))?.Status == CycleStatus.Open)
        {
            // The cycle is read again: it may have closed while the file was validated, and then the version must not count.
            // The content hash goes with it, so a benchmark snapshot's manifest can name exactly what it counted.
            await current.PromoteAsync(submission.CycleId, submission.MemberCode, submission.SubmissionId, result.KpiValues, disclosure, clock.GetUtcNow(), result.ItemValues, record.ContentHash);
        }

        var status = result.Status == ValidationStatus.Rejected ? SubmissionStatus.Rejected : SubmissionStatus.Accepted;
        var now = clock.GetUtcNow();
        await submissions.SetVerdictAsync(record, status, result.Errors, result.Warnings, now);
        PmmTelemetry.Verdict(submission.CycleId, status == SubmissionStatus.Rejected ? PmmTelemetry.Rejected : PmmTelemetry.Accepted, record.ReceivedAt, now);
        return new ValidationSummary(result.Status, result.Errors, result.Warnings, result.KpiValues, disclosure, result.ItemValues);
    }

    /// <summary>Rejects a submission that could not be processed, with a finding that says so and what to do.</summary>
    [Function(nameof(RecordSystemError))]
    public async Task RecordSystemError([ActivityTrigger] SubmissionRef submission)
    {
        var record = await submissions.GetAsync(submission.CycleId, submission.MemberCode, submission.SubmissionId)
            ?? throw new InvalidOperationException($"Submission {submission.SubmissionId} has no record.");
        var finding = new Finding(RuleIds.SystemError, Severity.Error, "The file could not be processed because of an error on our side; it has been logged.", "Upload the file again later; if it keeps failing, contact the WCO Secretariat with the submission id.", Pointer: "file");
        await submissions.SaveResultAsync(record, new ValidationResult(ValidationStatus.Rejected, [finding], new Dictionary<string, decimal>(), 0));
        var now = clock.GetUtcNow();
        await submissions.SetVerdictAsync(record, SubmissionStatus.Rejected, 1, 0, now, systemError: true);
        PmmTelemetry.Verdict(submission.CycleId, PmmTelemetry.SystemError, record.ReceivedAt, now);
    }

    /// <summary>Other Members' current values a submission is compared with.</summary>
    Task<PeerValues> PeersAsync(string cycleId, string memberCode, KpiCatalogue catalogue, CancellationToken cancellationToken = default) =>
        intake.PeersAsync(cycleId, memberCode, catalogue, cancellationToken);

    async Task<bool> IsCurrentAsync(SubmissionRecord record, CancellationToken cancellationToken) =>
        await current.GetCurrentIdAsync(record.CycleId, record.MemberCode, cancellationToken) == record.SubmissionId;
}
