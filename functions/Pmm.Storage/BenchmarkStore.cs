using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Pmm.Core.Benchmarks;

namespace Pmm.Storage;

/// <summary>Whether a snapshot comes from an open cycle (may still change) or a closed one.</summary>
public enum BenchmarkKind
{
    Provisional,
    Final,
}

/// <summary>A snapshot is <see cref="Writing"/> until its every row and its manifest are stored.</summary>
public enum SnapshotState
{
    Writing,
    Complete,
}

/// <summary>
/// A snapshot's record (table <c>Snapshots</c>, partition = cycle id, row key = snapshot id): what it was computed from
/// and with, how many rows and their hash, and when it was published (or is to be, under embargo).
/// </summary>
public sealed record SnapshotRecord(
    string CycleId,
    string SnapshotId,
    BenchmarkKind Kind,
    SnapshotState State,
    DateTimeOffset ComputedAt,
    int Respondents,
    string CatalogueVersion,
    string MembersVersion,
    string MethodVersion,
    int MeanThreshold,
    int QuantileThreshold,
    int RowCount,
    string RowsHash,
    DateTimeOffset? PublishedAt = null,
    DateTimeOffset? ReleaseAt = null);

/// <summary>What one Member contributed to a snapshot: its current submission and the values and choices taken from it.</summary>
public sealed record SnapshotContribution(string MemberCode, string SubmissionId, string? ContentHash, IReadOnlyDictionary<string, decimal> KpiValues, IReadOnlyDictionary<string, string> Disclosure);

/// <summary>
/// A snapshot's lineage (private blob <c>benchmark-manifests/{cycleId}/{snapshotId}.json</c>): everything needed to
/// compute its rows again and to check a later snapshot of the cycle against it.
/// </summary>
public sealed record SnapshotManifest(
    string CycleId,
    string SnapshotId,
    BenchmarkKind Kind,
    DateTimeOffset ComputedAt,
    string CatalogueVersion,
    string MembersVersion,
    string MethodVersion,
    int MeanThreshold,
    int QuantileThreshold,
    int ProtectedAudiences,
    int Respondents,
    int RowCount,
    string RowsHash,
    IReadOnlyList<SnapshotContribution> Members)
{
    public IReadOnlyList<MemberKpis> Inputs() => [.. Members.Select(m => new MemberKpis(m.MemberCode, m.KpiValues, m.Disclosure))];
}

/// <summary>One row of the benchmark table, as dashboards read it (README, "The benchmark table").</summary>
public sealed record BenchmarkRow(
    string CycleId,
    string SnapshotId,
    string Status,
    string KpiCode,
    string Scope,
    string Group,
    string Audience,
    int? N,
    double? Mean,
    double? Q1,
    double? Median,
    double? Q3,
    bool Suppressed,
    string Confidentiality,
    string? Reason,
    DateTimeOffset ComputedAt,
    int Respondents,
    string CatalogueVersion);

/// <summary>A cycle's publication: the snapshot published now, and one waiting for its release time (embargo).</summary>
public sealed record PublicationState(string? SnapshotId, DateTimeOffset? PublishedAt, string? EmbargoedSnapshotId, DateTimeOffset? ReleaseAt);

/// <summary>Names of the per-cycle pointer entities in the <c>Snapshots</c> table (row keys; partition = cycle id).</summary>
public static class SnapshotPointers
{
    public const string Provisional = "current-provisional";
    public const string Final = "current-final";
    public const string Published = "current-published";

    /// <summary>A publication waiting for its release time; not a pointer readers follow.</summary>
    public const string Embargo = "pending-publication";

    public static string Of(BenchmarkKind kind) => kind == BenchmarkKind.Final ? Final : Provisional;

    internal static bool IsPointer(string rowKey) => rowKey is Provisional or Final or Published or Embargo;
}

/// <summary>
/// Benchmark snapshots: each computation writes its rows into a partition of its own of the <c>Benchmarks</c> table
/// (<c>{cycleId}~{snapshotId}</c>, row key <c>{audience}~{kpiCode}~{scope}~{group}</c>), then its manifest, then marks its
/// record complete, and only then moves the cycle's pointer to it. Readers resolve the pointer first and read that
/// partition only, so they see one whole snapshot: the previous one until the new one is complete, and still the
/// previous one after a crash mid-write (the partial partition stays behind, unreferenced).
/// </summary>
public sealed partial class BenchmarkStore(PmmStorage storage)
{
    const int MaxBatch = 100;

    const string EdmDouble = "Edm.Double";

    static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        WriteIndented = true,
    };

    /// <summary>
    /// A new snapshot id, <c>{kind}-{yyyyMMddTHHmmssfff}-{8 hex digits}</c>: ordered by time within a kind, and made by the
    /// orchestration (its clock and its GUID), so a retried activity writes the same snapshot again.
    /// </summary>
    public static string NewSnapshotId(BenchmarkKind kind, DateTime utc, Guid unique) =>
        $"{KindName(kind)}-{utc:yyyyMMdd'T'HHmmssfff}-{unique.ToString("N")[..8]}";

    /// <summary>Whether a value has the form of a snapshot id (anything else names no snapshot, before storage is asked).</summary>
    public static bool IsSnapshotId(string? value) => value is not null && SnapshotIdPattern().IsMatch(value);

    public static string KindName(BenchmarkKind kind) => kind.ToString().ToLowerInvariant();

    public static string PartitionOf(string cycleId, string snapshotId) => $"{cycleId}{StorageNames.KeySeparator}{snapshotId}";

    public static string ManifestNameOf(string cycleId, string snapshotId) => $"{cycleId}/{snapshotId}.json";

    public static string RowKeyOf(Benchmark b) => SnapshotRows.KeyOf(b);

    /// <summary>
    /// Writes a whole snapshot and then makes it the cycle's current one of its kind. Idempotent: a retry with the same
    /// id rewrites the same partition (rows a failed attempt left that this one lacks are deleted); a snapshot already
    /// complete is never rewritten, only its pointer made sure of.
    /// </summary>
    public async Task<SnapshotRecord> WriteSnapshotAsync(SnapshotManifest manifest, IReadOnlyList<Benchmark> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(rows);
        if (await GetSnapshotAsync(manifest.CycleId, manifest.SnapshotId, cancellationToken) is { State: SnapshotState.Complete } done)
        {
            await SwitchPointerAsync(manifest.CycleId, SnapshotPointers.Of(done.Kind), done.SnapshotId, cancellationToken);
            return done;
        }

        var record = RecordOf(manifest, SnapshotState.Writing);
        await storage.Snapshots.UpsertEntityAsync(ToEntity(record), TableUpdateMode.Replace, cancellationToken);
        await WriteRowsAsync(manifest, rows, cancellationToken);
        await storage.Manifests.GetBlobClient(ManifestNameOf(manifest.CycleId, manifest.SnapshotId))
            .UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson)), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken);
        record = record with { State = SnapshotState.Complete };
        await storage.Snapshots.UpsertEntityAsync(ToEntity(record), TableUpdateMode.Replace, cancellationToken);
        await SwitchPointerAsync(manifest.CycleId, SnapshotPointers.Of(manifest.Kind), manifest.SnapshotId, cancellationToken);
        return record;
    }

    /// <summary>
    /// The rows step alone: writes the snapshot's partition (in batches, any order) and deletes what an earlier attempt
    /// left in it. Nothing reads this partition until the snapshot is complete and a pointer names it.
    /// </summary>
    public async Task WriteRowsAsync(SnapshotManifest manifest, IReadOnlyList<Benchmark> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(rows);
        var partition = PartitionOf(manifest.CycleId, manifest.SnapshotId);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        var actions = new List<TableTransactionAction>();
        foreach (var b in rows)
        {
            var entity = ToEntity(partition, manifest, b);
            keep.Add(entity.RowKey);
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
        }

        await foreach (var stale in storage.Benchmarks.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (!keep.Contains(stale.RowKey))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, stale, ETag.All));
            }
        }

        foreach (var chunk in actions.Chunk(MaxBatch))
        {
            await storage.Benchmarks.SubmitTransactionAsync(chunk, cancellationToken);
        }
    }

    /// <summary>The snapshot a pointer names (<see cref="SnapshotPointers"/>), or null when it names none yet.</summary>
    public async Task<string?> GetPointerAsync(string cycleId, string pointer, CancellationToken cancellationToken = default)
    {
        var e = await storage.Snapshots.GetEntityIfExistsAsync<TableEntity>(cycleId, pointer, cancellationToken: cancellationToken);
        return e.HasValue ? e.Value!.GetString("SnapshotId") : null;
    }

    public async Task<SnapshotRecord?> GetSnapshotAsync(string cycleId, string snapshotId, CancellationToken cancellationToken = default)
    {
        if (!IsSnapshotId(snapshotId))
        {
            return null;
        }

        var e = await storage.Snapshots.GetEntityIfExistsAsync<TableEntity>(cycleId, snapshotId, cancellationToken: cancellationToken);
        return e.HasValue ? FromEntity(e.Value!) : null;
    }

    /// <summary>The snapshot a pointer names, if that snapshot is complete.</summary>
    public async Task<SnapshotRecord?> GetCurrentAsync(string cycleId, string pointer, CancellationToken cancellationToken = default) =>
        await GetPointerAsync(cycleId, pointer, cancellationToken) is { } id && await GetSnapshotAsync(cycleId, id, cancellationToken) is { State: SnapshotState.Complete } record
            ? record
            : null;

    /// <summary>Every snapshot of the cycle (history), complete or not, oldest first within each kind.</summary>
    public async Task<IReadOnlyList<SnapshotRecord>> ListSnapshotsAsync(string cycleId, CancellationToken cancellationToken = default)
    {
        var list = new List<SnapshotRecord>();
        await foreach (var e in storage.Snapshots.QueryAsync<TableEntity>(e => e.PartitionKey == cycleId, cancellationToken: cancellationToken))
        {
            if (!SnapshotPointers.IsPointer(e.RowKey))
            {
                list.Add(FromEntity(e));
            }
        }

        return list;
    }

    /// <summary>The rows of one snapshot, of one audience or of all.</summary>
    public async Task<IReadOnlyList<BenchmarkRow>> ReadRowsAsync(string cycleId, string snapshotId, string? audience = null, CancellationToken cancellationToken = default)
    {
        var partition = PartitionOf(cycleId, snapshotId);
        var rows = new List<BenchmarkRow>();
        var filter = audience is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and Audience eq {audience}");
        await foreach (var e in storage.Benchmarks.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(new BenchmarkRow(
                e.GetString("CycleId"),
                e.GetString("SnapshotId"),
                e.GetString("Status"),
                e.GetString("KpiCode"),
                e.GetString("Scope"),
                e.GetString("Group"),
                e.GetString("Audience"),
                e.GetInt32("N"),
                e.GetDouble("Mean"),
                e.GetDouble("Q1"),
                e.GetDouble("Median"),
                e.GetDouble("Q3"),
                e.GetBoolean("Suppressed") ?? true,
                e.GetString("Confidentiality"),
                e.GetString("Reason"),
                e.GetDateTimeOffset("ComputedAt") ?? DateTimeOffset.MinValue,
                e.GetInt32("Respondents") ?? 0,
                e.GetString("CatalogueVersion")));
        }

        return rows;
    }

    /// <summary>A stored snapshot's rows as the calculator made them (to check a new snapshot against a published one, or its hash).</summary>
    public async Task<IReadOnlyList<Benchmark>> ReadBenchmarksAsync(string cycleId, string snapshotId, CancellationToken cancellationToken = default) =>
        [.. (await ReadRowsAsync(cycleId, snapshotId, null, cancellationToken)).Select(r => new Benchmark(r.KpiCode, r.Scope, r.Group, r.Audience, r.N, r.Mean, r.Q1, r.Median, r.Q3, r.Confidentiality, r.Reason))];

    public async Task<SnapshotManifest?> ReadManifestAsync(string cycleId, string snapshotId, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await storage.Manifests.GetBlobClient(ManifestNameOf(cycleId, snapshotId)).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<SnapshotManifest>(ManifestJson);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Publishes a complete snapshot now: records when, then moves the published pointer to it unless a later snapshot
    /// is already published (false then), and clears an embargo that named it.
    /// </summary>
    public async Task<bool> PublishAsync(string cycleId, string snapshotId, DateTimeOffset publishedAt, CancellationToken cancellationToken = default)
    {
        if (string.CompareOrdinal(await GetPointerAsync(cycleId, SnapshotPointers.Published, cancellationToken), snapshotId) > 0)
        {
            return false;
        }

        // Recorded before the pointer moves: a snapshot that readers can see is always known as published (and so is
        // checked against by every later computation of the cycle), even after a crash between the two steps.
        await storage.Snapshots.UpdateEntityAsync(new TableEntity(cycleId, snapshotId) { ["PublishedAt"] = publishedAt }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        var switched = await SwitchPointerAsync(cycleId, SnapshotPointers.Published, snapshotId, cancellationToken, publishedAt);
        var embargo = await storage.Snapshots.GetEntityIfExistsAsync<TableEntity>(cycleId, SnapshotPointers.Embargo, cancellationToken: cancellationToken);
        if (embargo.HasValue && string.CompareOrdinal(embargo.Value!.GetString("SnapshotId"), snapshotId) <= 0)
        {
            try
            {
                await storage.Snapshots.DeleteEntityAsync(cycleId, SnapshotPointers.Embargo, embargo.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Another publication changed the embargo meanwhile; it is that one's to clear.
            }
        }

        return switched;
    }

    /// <summary>Records that a snapshot is to be published at <paramref name="releaseAt"/>; it replaces any earlier embargo.</summary>
    public async Task ScheduleAsync(string cycleId, string snapshotId, DateTimeOffset releaseAt, CancellationToken cancellationToken = default)
    {
        await storage.Snapshots.UpdateEntityAsync(new TableEntity(cycleId, snapshotId) { ["ReleaseAt"] = releaseAt }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        await storage.Snapshots.UpsertEntityAsync(new TableEntity(cycleId, SnapshotPointers.Embargo) { ["SnapshotId"] = snapshotId, ["ReleaseAt"] = releaseAt }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<PublicationState> GetPublicationAsync(string cycleId, CancellationToken cancellationToken = default)
    {
        var published = await storage.Snapshots.GetEntityIfExistsAsync<TableEntity>(cycleId, SnapshotPointers.Published, cancellationToken: cancellationToken);
        var embargo = await storage.Snapshots.GetEntityIfExistsAsync<TableEntity>(cycleId, SnapshotPointers.Embargo, cancellationToken: cancellationToken);
        return new PublicationState(
            published.HasValue ? published.Value!.GetString("SnapshotId") : null,
            published.HasValue ? published.Value!.GetDateTimeOffset("PublishedAt") : null,
            embargo.HasValue ? embargo.Value!.GetString("SnapshotId") : null,
            embargo.HasValue ? embargo.Value!.GetDateTimeOffset("ReleaseAt") : null);
    }

    /// <summary>
    /// Points <paramref name="pointer"/> at a snapshot unless it already names a later one of the same kind (ids are
    /// ordered by time), so two computations finishing out of order never move it back. Optimistic concurrency.
    /// </summary>
    async Task<bool> SwitchPointerAsync(string cycleId, string pointer, string snapshotId, CancellationToken cancellationToken, DateTimeOffset? publishedAt = null)
    {
        var entity = new TableEntity(cycleId, pointer) { ["SnapshotId"] = snapshotId, ["PublishedAt"] = publishedAt };
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await storage.Snapshots.GetEntityIfExistsAsync<TableEntity>(cycleId, pointer, cancellationToken: cancellationToken);
            try
            {
                if (!existing.HasValue)
                {
                    await storage.Snapshots.AddEntityAsync(entity, cancellationToken);
                    return true;
                }

                var current = existing.Value!.GetString("SnapshotId");
                if (string.CompareOrdinal(current, snapshotId) >= 0)
                {
                    return current == snapshotId;
                }

                await storage.Snapshots.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another writer moved the pointer first; read again and decide again.
            }
        }

        throw new InvalidOperationException($"Could not point {pointer} of cycle {cycleId} at {snapshotId}: too much contention.");
    }

    static SnapshotRecord RecordOf(SnapshotManifest m, SnapshotState state) =>
        new(m.CycleId, m.SnapshotId, m.Kind, state, m.ComputedAt, m.Respondents, m.CatalogueVersion, m.MembersVersion, m.MethodVersion, m.MeanThreshold, m.QuantileThreshold, m.RowCount, m.RowsHash);

    static TableEntity ToEntity(SnapshotRecord r) => new(r.CycleId, r.SnapshotId)
    {
        ["Kind"] = KindName(r.Kind),
        ["State"] = r.State.ToString().ToLowerInvariant(),
        ["ComputedAt"] = r.ComputedAt,
        ["Respondents"] = r.Respondents,
        ["CatalogueVersion"] = r.CatalogueVersion,
        ["MembersVersion"] = r.MembersVersion,
        ["MethodVersion"] = r.MethodVersion,
        ["MeanThreshold"] = r.MeanThreshold,
        ["QuantileThreshold"] = r.QuantileThreshold,
        ["RowCount"] = r.RowCount,
        ["RowsHash"] = r.RowsHash,
        ["PublishedAt"] = r.PublishedAt,
        ["ReleaseAt"] = r.ReleaseAt,
    };

    static SnapshotRecord FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.RowKey,
        Enum.Parse<BenchmarkKind>(e.GetString("Kind"), ignoreCase: true),
        Enum.Parse<SnapshotState>(e.GetString("State"), ignoreCase: true),
        e.GetDateTimeOffset("ComputedAt") ?? DateTimeOffset.MinValue,
        e.GetInt32("Respondents") ?? 0,
        e.GetString("CatalogueVersion"),
        e.GetString("MembersVersion"),
        e.GetString("MethodVersion"),
        e.GetInt32("MeanThreshold") ?? 0,
        e.GetInt32("QuantileThreshold") ?? 0,
        e.GetInt32("RowCount") ?? 0,
        e.GetString("RowsHash"),
        e.GetDateTimeOffset("PublishedAt"),
        e.GetDateTimeOffset("ReleaseAt"));

    static TableEntity ToEntity(string partition, SnapshotManifest m, Benchmark b)
    {
        var entity = new TableEntity(partition, RowKeyOf(b))
        {
            ["CycleId"] = m.CycleId,
            ["SnapshotId"] = m.SnapshotId,
            ["Status"] = KindName(m.Kind),
            ["KpiCode"] = b.KpiCode,
            ["Scope"] = b.Scope,
            ["Group"] = b.Group,
            ["Audience"] = b.Audience,
            ["N"] = b.N,
            ["Suppressed"] = b.Suppressed,
            ["Confidentiality"] = b.Confidentiality,
            ["Reason"] = b.Reason,
            ["ComputedAt"] = m.ComputedAt,
            ["Respondents"] = m.Respondents,
            ["CatalogueVersion"] = m.CatalogueVersion,
        };
        SetDouble(entity, "Mean", b.Mean);
        SetDouble(entity, "Q1", b.Q1);
        SetDouble(entity, "Median", b.Median);
        SetDouble(entity, "Q3", b.Q3);
        return entity;
    }

    /// <summary>
    /// A statistic, typed Edm.Double on every row. A whole number (a mean of 60) goes out as the JSON integer 60, which the
    /// service stores as Edm.Int32 unless annotated, and a typed client then breaks on those rows only. Azure.Data.Tables
    /// annotates a boxed double itself; the annotation is written here too, so the contract does not rest on that.
    /// </summary>
    static void SetDouble(TableEntity entity, string name, double? value)
    {
        if (value is { } v)
        {
            entity[name] = v;
            entity[name + "@odata.type"] = EdmDouble;
        }
    }

    [GeneratedRegex("^(provisional|final)-[0-9]{8}T[0-9]{9}-[0-9a-f]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex SnapshotIdPattern();
}
