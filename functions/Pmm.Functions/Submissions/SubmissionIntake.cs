using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Pmm.Core.Benchmarks;
using Pmm.Core.Catalogue;
using Pmm.Core.Cycles;
using Pmm.Core.Formats;
using Pmm.Core.Formats.Excel;
using Pmm.Core.Validation;
using Pmm.Functions.Auth;
using Pmm.Functions.Catalogue;
using Pmm.Functions.Configuration;
using Pmm.Functions.Cycles;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Submissions;

/// <summary>An upload that passed the request checks, with the cycle and its reference data already loaded for it.</summary>
public sealed record Upload(byte[] Content, string ContentType, DateTimeOffset Now, Cycle Cycle, CycleReferenceData Reference);

/// <summary>Other Members' current values a submission is compared with (the plausibility warnings).</summary>
public sealed record PeerValues(IReadOnlyList<IReadOnlyDictionary<string, decimal>> Kpis, IReadOnlyList<IReadOnlyDictionary<string, decimal>> Items);

/// <summary>
/// Taking a Member's file in: the checks every upload passes before its content is looked at (cycle, Member, type,
/// size, emptiness, which template), the validate-only check, the Member's template, and the peer values a file is
/// compared with.
/// </summary>
public sealed class SubmissionIntake(CycleStore cycles, CurrentSubmissionStore current, ReferenceDataProvider reference, IOptions<UploadOptions> uploads, TimeProvider clock)
{
    /// <summary>The checks every upload passes before its content is looked at: Member, cycle, type, size, emptiness.</summary>
    public async Task<(Upload Upload, IActionResult? Problem)> ReadUploadAsync(HttpRequest req, string cycleId, string memberCode, bool requireOpen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return (null!, CycleCommands.NotFound(cycleId));
        }

        // The cycle's state first: a closed or failed cycle refuses uploads without needing its reference data.
        var now = clock.GetUtcNow();
        if (requireOpen && CycleRules.RefuseSubmission(cycle, now) is { } refusal)
        {
            return (null!, Problems.Conflict(refusal.Code == "deadline-passed" ? ProblemCodes.DeadlinePassed : ProblemCodes.CycleNotOpen, refusal.Message));
        }

        var data = await reference.ForCycleAsync(cycle, cancellationToken);
        if (!data.Members.ByCode.ContainsKey(memberCode))
        {
            return (null!, UnknownMember(memberCode, cycle));
        }

        var contentType = (req.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (!SubmissionFormats.IsSupported(contentType))
        {
            return (null!, Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType, "Unsupported file type.", $"Content-Type '{Problems.Shown(contentType)}' is not accepted; send {string.Join(" or ", SubmissionFormats.MediaTypes)}."));
        }

        var (content, tooLarge) = await RequestBody.ReadLimitedAsync(req, uploads.Value.MaxBytes, cancellationToken);
        if (tooLarge)
        {
            return (null!, Problems.TooLarge($"Uploads are limited to {uploads.Value.MaxBytes} bytes."));
        }

        if (content.Length == 0)
        {
            return (null!, Problems.BadRequest(ProblemCodes.EmptyFile, "The uploaded file is empty."));
        }

        if (contentType == SubmissionFormats.Xlsx
            && ExcelSubmissionReader.ReadTemplateInfo(new MemoryStream(content, writable: false), uploads.Value.ExcelLimits) is { } template
            && (template.CycleId != cycleId || template.MemberCode != memberCode))
        {
            return (null!, Problems.BadRequest(ProblemCodes.OtherTemplate, $"This workbook is the template of Member {template.MemberCode} for cycle '{template.CycleId}', not of {memberCode} for '{cycleId}'. Download the right one from GET {Routes.Url(Routes.Template, cycleId, memberCode)}."));
        }

        return (new Upload(content, contentType, now, cycle, data), null);
    }

    /// <summary>Validates an upload with the same engine as a submission, storing nothing.</summary>
    public async Task<ValidationResult> ValidateOnlyAsync(Upload upload, string memberCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var peers = await PeersAsync(upload.Cycle.CycleId, memberCode, upload.Reference.Catalogue, cancellationToken);
        var parsed = SubmissionFormats.Read(upload.ContentType, new MemoryStream(upload.Content, writable: false), uploads.Value.ExcelLimits);
        return upload.Reference.Validator.Validate(parsed, upload.Cycle.ReportingYear, peers.Kpis, peers.Items);
    }

    /// <summary>The Excel template of a cycle for a Member, with its file name.</summary>
    public async Task<(byte[] Workbook, string FileName, IActionResult? Problem)> TemplateAsync(string cycleId, string memberCode, CancellationToken cancellationToken)
    {
        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return ([], "", CycleCommands.NotFound(cycleId));
        }

        var (catalogue, members, _) = await reference.ForCycleAsync(cycle, cancellationToken);
        if (!members.ByCode.TryGetValue(memberCode, out var member))
        {
            return ([], "", UnknownMember(memberCode, cycle));
        }

        return (ExcelTemplate.Create(catalogue, cycle.CycleId, cycle.ReportingYear, member.Code, member.Name), $"PMM-{cycle.CycleId}-{member.Code}.xlsx", null);
    }

    /// <summary>
    /// Other Members' current KPI and item values for the peer comparison, limited to what a Member's NCP may see: the
    /// warnings show their median to the submitter, so a value disclosed more narrowly than the WCO level stays out.
    /// </summary>
    public async Task<PeerValues> PeersAsync(string cycleId, string memberCode, KpiCatalogue catalogue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var audience = Caller.MemberAudienceIndex(catalogue.DisclosureLevels);
        var others = (await current.ListAsync(cycleId, cancellationToken)).Where(m => m.MemberCode != memberCode).ToList();
        return new PeerValues(
            [.. others.Select(m => BenchmarkCalculator.VisibleValues(catalogue, m, audience))],
            [.. others.Select(m => BenchmarkCalculator.VisibleItems(catalogue, m, audience))]);
    }

    /// <summary>A Member code of the right form that the cycle's Members reference set does not list.</summary>
    static ObjectResult UnknownMember(string memberCode, Cycle cycle) =>
        Problems.NotFound(ProblemCodes.UnknownMember, $"'{memberCode}' is not a Member of cycle '{cycle.CycleId}' (Members reference set {cycle.MembersVersion}); Member codes are ISO 3166-1 alpha-3, upper case, e.g. KEN.");
}
