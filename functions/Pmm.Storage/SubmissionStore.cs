using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Storage;

/// <summary>Where a submission is in its life.</summary>
public enum SubmissionStatus
{
    Received,
    Validating,
    Accepted,
    Rejected,
}

/// <summary>A Member's upload for a cycle: one version; later uploads are new versions.</summary>
public sealed record SubmissionRecord(
    string CycleId,
    string MemberCode,
    string SubmissionId,
    SubmissionStatus Status,
    DateTimeOffset ReceivedAt,
    string ContentHash,
    string ContentType,
    long SizeBytes,
    string UploadedBy,
    int Errors = 0,
    int Warnings = 0,
    DateTimeOffset? CompletedAt = null)
{
    /// <summary>The blob holding the original bytes.</summary>
    public string BlobName => $"{CycleId}/{MemberCode}/{SubmissionId}{Extension(ContentType)}";

    /// <summary>The blob holding the validation result.</summary>
    public string ResultBlobName => $"{CycleId}/{MemberCode}/{SubmissionId}.json";

    static string Extension(string contentType) => contentType switch
    {
        SubmissionFormats.Csv => ".csv",
        SubmissionFormats.Json => ".json",
        SubmissionFormats.Xlsx => ".xlsx",
        _ => ".bin",
    };
}

/// <summary>
/// Submissions: original bytes in Blob storage (written once, never overwritten), the record in the
/// <c>Submissions</c> table (partition <c>{cycleId}~{memberCode}</c>, row key = submission id), and the
/// validation result as a JSON blob.
/// </summary>
public sealed class SubmissionStore(PmmStorage storage)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string PartitionOf(string cycleId, string memberCode) => $"{cycleId}{StorageNames.KeySeparator}{memberCode}";

    /// <summary>Stores the original bytes, refusing to overwrite an existing blob.</summary>
    public async Task StoreOriginalAsync(SubmissionRecord record, Stream content, CancellationToken cancellationToken = default)
    {
        var blob = storage.Submissions.GetBlobClient(record.BlobName);
        await blob.UploadAsync(content, new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = record.ContentType },
            Metadata = new Dictionary<string, string>
            {
                ["cycle"] = record.CycleId,
                ["member"] = record.MemberCode,
                ["sha256"] = record.ContentHash,
            },
        }, cancellationToken);
    }

    public Task AddAsync(SubmissionRecord record, CancellationToken cancellationToken = default) =>
        storage.SubmissionsTable.AddEntityAsync(ToEntity(record), cancellationToken);

    public async Task<SubmissionRecord?> GetAsync(string cycleId, string memberCode, string submissionId, CancellationToken cancellationToken = default)
    {
        var response = await storage.SubmissionsTable.GetEntityIfExistsAsync<TableEntity>(PartitionOf(cycleId, memberCode), submissionId, cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>A Member's versions for a cycle, oldest first.</summary>
    public async Task<IReadOnlyList<SubmissionRecord>> ListAsync(string cycleId, string memberCode, CancellationToken cancellationToken = default)
    {
        var partition = PartitionOf(cycleId, memberCode);
        var list = new List<SubmissionRecord>();
        await foreach (var e in storage.SubmissionsTable.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            list.Add(FromEntity(e));
        }

        return list;
    }

    /// <summary>An earlier version with exactly the same content, if any (idempotent resubmission).</summary>
    public async Task<SubmissionRecord?> FindByHashAsync(string cycleId, string memberCode, string contentHash, CancellationToken cancellationToken = default)
    {
        var partition = PartitionOf(cycleId, memberCode);
        await foreach (var e in storage.SubmissionsTable.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.GetString("ContentHash") == contentHash, cancellationToken: cancellationToken))
        {
            return FromEntity(e);
        }

        return null;
    }

    public async Task<BinaryData> ReadOriginalAsync(SubmissionRecord record, CancellationToken cancellationToken = default)
    {
        var download = await storage.Submissions.GetBlobClient(record.BlobName).DownloadContentAsync(cancellationToken);
        return download.Value.Content;
    }

    public Task SetStatusAsync(SubmissionRecord record, SubmissionStatus status, CancellationToken cancellationToken = default) =>
        storage.SubmissionsTable.UpdateEntityAsync(
            new TableEntity(PartitionOf(record.CycleId, record.MemberCode), record.SubmissionId) { ["Status"] = status.ToString() },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken);

    /// <summary>Stores the validation result (findings, KPI values) beside the original.</summary>
    public async Task SaveResultAsync(SubmissionRecord record, ValidationResult result, CancellationToken cancellationToken = default) =>
        await storage.Results.GetBlobClient(record.ResultBlobName).UploadAsync(BinaryData.FromObjectAsJson(result, Json), overwrite: true, cancellationToken);

    /// <summary>Records the verdict on the submission's row: the last step, so a visible verdict always has its result stored.</summary>
    public Task SetVerdictAsync(SubmissionRecord record, SubmissionStatus status, int errors, int warnings, DateTimeOffset completedAt, CancellationToken cancellationToken = default) =>
        storage.SubmissionsTable.UpdateEntityAsync(
            new TableEntity(PartitionOf(record.CycleId, record.MemberCode), record.SubmissionId)
            {
                ["Status"] = status.ToString(),
                ["Errors"] = errors,
                ["Warnings"] = warnings,
                ["CompletedAt"] = completedAt,
            },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken);

    public async Task<ValidationResult?> GetResultAsync(SubmissionRecord record, CancellationToken cancellationToken = default)
    {
        var blob = storage.Results.GetBlobClient(record.ResultBlobName);
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<ValidationResult>(Json);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    static TableEntity ToEntity(SubmissionRecord r) => new(PartitionOf(r.CycleId, r.MemberCode), r.SubmissionId)
    {
        ["CycleId"] = r.CycleId,
        ["MemberCode"] = r.MemberCode,
        ["Status"] = r.Status.ToString(),
        ["ReceivedAt"] = r.ReceivedAt,
        ["ContentHash"] = r.ContentHash,
        ["ContentType"] = r.ContentType,
        ["SizeBytes"] = r.SizeBytes,
        ["UploadedBy"] = r.UploadedBy,
        ["Errors"] = r.Errors,
        ["Warnings"] = r.Warnings,
        ["CompletedAt"] = r.CompletedAt,
    };

    static SubmissionRecord FromEntity(TableEntity e) => new(
        e.GetString("CycleId"),
        e.GetString("MemberCode"),
        e.RowKey,
        Enum.Parse<SubmissionStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue,
        e.GetString("ContentHash"),
        e.GetString("ContentType"),
        e.GetInt64("SizeBytes") ?? 0,
        e.GetString("UploadedBy"),
        e.GetInt32("Errors") ?? 0,
        e.GetInt32("Warnings") ?? 0,
        e.GetDateTimeOffset("CompletedAt"));
}
