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

/// <summary>
/// A Member's upload for a cycle: one version; later uploads are new versions. <see cref="SystemError"/> marks a version
/// rejected because the server failed on it (<c>PMM-SYS-001</c>), not because of its content.
/// </summary>
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
    DateTimeOffset? CompletedAt = null,
    bool SystemError = false)
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

/// <summary>What receiving an upload did: stored it as a new version, or found it to be the Member's latest version.</summary>
public sealed record ReceivedVersion(SubmissionRecord Record, bool Created);

/// <summary>
/// Submissions: original bytes in Blob storage (written once, never overwritten), the record in the
/// <c>Submissions</c> table (partition <c>{cycleId}~{memberCode}</c>, row key = submission id), and the
/// validation result as a JSON blob. The same partition holds one more row, <see cref="LatestRowKey"/>: the id and
/// content hash of the Member's latest version, which <see cref="ReceiveAsync"/> compares and moves atomically.
/// </summary>
public sealed class SubmissionStore(PmmStorage storage, TimeProvider clock)
{
    /// <summary>Row key of the latest-version row. Submission ids are 32 hex digits, so it is never one of them.</summary>
    public const string LatestRowKey = "latest";

    // Each lost race means another upload of this Member was stored meanwhile; more than this many in a row is not a Member.
    const int MaxReceiveAttempts = 8;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string PartitionOf(string cycleId, string memberCode) => $"{cycleId}{StorageNames.KeySeparator}{memberCode}";

    /// <summary>A new submission id: a version 7 GUID, so ids sort by the time they were made.</summary>
    public static string NewSubmissionId(DateTimeOffset at) => Guid.CreateVersion7(at).ToString("N");

    /// <summary>
    /// Receives an upload by the transport rules of ODK Central. Content identical to the Member's latest version is that
    /// version (not stored again), unless the server failed on it (<see cref="SubmissionRecord.SystemError"/>). Anything
    /// else, an older version sent again included, becomes a new version and the new latest: its original is stored
    /// first under a fresh id (referenced by nothing yet), then its record and the latest row are written in one table
    /// transaction conditional on the latest row not having changed. Identical uploads racing each other therefore store
    /// one version: a loser of the race reads the winner's row, finds the same content and returns the winner's version.
    /// A crash at any point leaves either nothing visible (an unreferenced original) or a complete version.
    /// </summary>
    public async Task<ReceivedVersion> ReceiveAsync(SubmissionRecord candidate, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var partition = PartitionOf(candidate.CycleId, candidate.MemberCode);
        var record = candidate;
        var stored = false;
        for (var attempt = 0; attempt < MaxReceiveAttempts; attempt++)
        {
            var latest = await GetLatestAsync(candidate.CycleId, candidate.MemberCode, cancellationToken);
            if (latest?.Record is { SystemError: false } same && same.ContentHash == candidate.ContentHash)
            {
                if (stored)
                {
                    await DeleteUnreferencedOriginalAsync(record, cancellationToken);
                }

                return new ReceivedVersion(same, Created: false);
            }

            // The new latest must also be the newest id: promotion keeps the newest id current.
            if (latest is not null && string.CompareOrdinal(record.SubmissionId, latest.SubmissionId) <= 0)
            {
                if (stored)
                {
                    await DeleteUnreferencedOriginalAsync(record, cancellationToken);
                    stored = false;
                }

                record = record with { SubmissionId = IdAfter(latest.SubmissionId) };
            }

            if (!stored)
            {
                await StoreOriginalAsync(record, new MemoryStream(content.ToArray(), writable: false), cancellationToken);
                stored = true;
            }

            var latestRow = new TableEntity(partition, LatestRowKey)
            {
                ["SubmissionId"] = record.SubmissionId,
                ["ContentHash"] = record.ContentHash,
            };
            TableTransactionAction[] actions =
            [
                latest?.RowETag is { } etag
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, latestRow, etag)
                    : new TableTransactionAction(TableTransactionActionType.Add, latestRow),
                new TableTransactionAction(TableTransactionActionType.Add, ToEntity(record)),
            ];
            try
            {
                await storage.SubmissionsTable.SubmitTransactionAsync(actions, cancellationToken);
                return new ReceivedVersion(record, Created: true);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another upload of this Member moved the latest row first: read it again and decide again, after a
                // short random pause so that uploads racing each other do not keep colliding in step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * (attempt + 1)), cancellationToken);
            }
        }

        if (stored)
        {
            await DeleteUnreferencedOriginalAsync(record, cancellationToken);
        }

        throw new ConcurrentUploadsException(candidate.CycleId, candidate.MemberCode);
    }

    /// <summary>
    /// Claims the start of a version's validation when the version is still <see cref="SubmissionStatus.Received"/> and
    /// nobody has claimed it since <paramref name="staleBefore"/>: its receiver claims it on receipt (the claim time is
    /// <see cref="SubmissionRecord.ReceivedAt"/>), so an identical upload arriving while the receiver is starting the
    /// validation does not start it a second time, and one arriving after a receiver stopped half-way restarts it, once.
    /// </summary>
    public async Task<bool> TryClaimValidationStartAsync(SubmissionRecord record, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken = default)
    {
        var partition = PartitionOf(record.CycleId, record.MemberCode);
        var row = await storage.SubmissionsTable.GetEntityIfExistsAsync<TableEntity>(partition, record.SubmissionId, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value!.GetString("Status") != nameof(SubmissionStatus.Received)
            || (row.Value.GetDateTimeOffset("ValidationClaimedAt") ?? row.Value.GetDateTimeOffset("ReceivedAt")) >= staleBefore)
        {
            return false;
        }

        try
        {
            await storage.SubmissionsTable.UpdateEntityAsync(new TableEntity(partition, record.SubmissionId) { ["ValidationClaimedAt"] = now }, row.Value.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    /// <summary>
    /// The Member's latest version: the latest row, or, in a partition written before that row existed, the newest
    /// record. A latest row whose record is missing has no <see cref="LatestVersion.Record"/>, so it matches no upload.
    /// </summary>
    async Task<LatestVersion?> GetLatestAsync(string cycleId, string memberCode, CancellationToken cancellationToken)
    {
        var row = await storage.SubmissionsTable.GetEntityIfExistsAsync<TableEntity>(PartitionOf(cycleId, memberCode), LatestRowKey, cancellationToken: cancellationToken);
        if (row.HasValue)
        {
            var id = row.Value!.GetString("SubmissionId");
            return new LatestVersion(id, row.Value.ETag, await GetAsync(cycleId, memberCode, id, cancellationToken));
        }

        var versions = await ListAsync(cycleId, memberCode, cancellationToken);
        return versions.Count == 0 ? null : new LatestVersion(versions[^1].SubmissionId, null, versions[^1]);
    }

    /// <summary>A fresh id that sorts after <paramref name="previous"/>, even if that one was made on a clock running ahead.</summary>
    string IdAfter(string previous)
    {
        var at = clock.GetUtcNow();
        if (previous.Length >= 12 && long.TryParse(previous.AsSpan(0, 12), System.Globalization.NumberStyles.HexNumber, null, out var ms))
        {
            var previousAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            at = previousAt > at ? previousAt : at;
        }

        // Same millisecond: the random part decides, so draw until it sorts after.
        while (true)
        {
            var id = NewSubmissionId(at);
            if (string.CompareOrdinal(id, previous) > 0)
            {
                return id;
            }

            at = at.AddMilliseconds(1);
        }
    }

    async Task DeleteUnreferencedOriginalAsync(SubmissionRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Submissions.GetBlobClient(record.BlobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException)
        {
            // Nothing refers to it; a leftover costs a few bytes and harms nothing.
        }
    }

    sealed record LatestVersion(string SubmissionId, ETag? RowETag, SubmissionRecord? Record);

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
        await foreach (var e in storage.SubmissionsTable.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.RowKey != LatestRowKey, cancellationToken: cancellationToken))
        {
            list.Add(FromEntity(e));
        }

        return list;
    }

    /// <summary>Every version of every cycle and Member still waiting for its verdict (received or validating).</summary>
    public async Task<IReadOnlyList<SubmissionRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<SubmissionRecord>();
        var filter = TableClient.CreateQueryFilter($"Status eq {nameof(SubmissionStatus.Received)} or Status eq {nameof(SubmissionStatus.Validating)}");
        await foreach (var e in storage.SubmissionsTable.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (e.RowKey != LatestRowKey)
            {
                list.Add(FromEntity(e));
            }
        }

        return list;
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

    /// <summary>
    /// Records the verdict on the submission's row: the last step, so a visible verdict always has its result stored.
    /// <paramref name="systemError"/>: rejected because the server failed, so the same content sent again is validated again.
    /// </summary>
    public Task SetVerdictAsync(SubmissionRecord record, SubmissionStatus status, int errors, int warnings, DateTimeOffset completedAt, bool systemError = false, CancellationToken cancellationToken = default) =>
        storage.SubmissionsTable.UpdateEntityAsync(
            new TableEntity(PartitionOf(record.CycleId, record.MemberCode), record.SubmissionId)
            {
                ["Status"] = status.ToString(),
                ["Errors"] = errors,
                ["Warnings"] = warnings,
                ["CompletedAt"] = completedAt,
                ["SystemError"] = systemError,
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
        ["SystemError"] = r.SystemError,
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
        e.GetDateTimeOffset("CompletedAt"),
        e.GetBoolean("SystemError") ?? false);
}

/// <summary>
/// The Member's latest version kept moving under this upload (other uploads of the same Member stored first, many times
/// in a row): nothing of this upload was kept, and sending it again a moment later will succeed.
/// </summary>
public sealed class ConcurrentUploadsException(string cycleId, string memberCode)
    : Exception($"Could not store a submission of {memberCode} in cycle {cycleId}: too many concurrent uploads.");
