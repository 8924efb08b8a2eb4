using Azure;
using Azure.Data.Tables;
using Pmm.Core.Benchmarks;

namespace Pmm.Storage;

/// <summary>Whether benchmarks come from an open cycle (may still change) or a closed one.</summary>
public enum BenchmarkKind
{
    Provisional,
    Final,
}

/// <summary>One row of the benchmark table, as dashboards read it.</summary>
public sealed record BenchmarkRow(
    string CycleId,
    string Status,
    string KpiCode,
    string Scope,
    string Group,
    int N,
    double? Mean,
    double? Median,
    bool Suppressed,
    DateTimeOffset ComputedAt,
    int Respondents,
    string CatalogueVersion,
    string Audience);

/// <summary>
/// The <c>Benchmarks</c> table, the contract dashboards read (documented in the README):
/// partition <c>{cycleId}~provisional</c> or <c>{cycleId}~final</c>, row key <c>{audience}~{kpiCode}~{scope}~{group}</c>
/// (the audience is a disclosure level: a row only aggregates values their Members allowed that audience to see).
/// Provisional and final snapshots live in different partitions, so a late provisional run can never
/// overwrite final figures.
/// </summary>
public sealed class BenchmarkStore(PmmStorage storage)
{
    const int MaxBatch = 100;

    public static string PartitionOf(string cycleId, BenchmarkKind kind) =>
        $"{cycleId}{StorageNames.KeySeparator}{kind.ToString().ToLowerInvariant()}";

    public static string RowKeyOf(Benchmark b) =>
        string.Join(StorageNames.KeySeparator, b.Audience, b.KpiCode, b.Scope, b.Group);

    /// <summary>Replaces the cycle's snapshot of this kind: upserts every row, then deletes rows the new snapshot no longer has.</summary>
    public async Task ReplaceAsync(string cycleId, BenchmarkKind kind, IReadOnlyList<Benchmark> benchmarks, int respondents, string catalogueVersion, DateTimeOffset computedAt, CancellationToken cancellationToken = default)
    {
        var partition = PartitionOf(cycleId, kind);
        var status = kind.ToString().ToLowerInvariant();
        var keep = new HashSet<string>(StringComparer.Ordinal);
        var actions = new List<TableTransactionAction>();
        foreach (var b in benchmarks)
        {
            var rowKey = RowKeyOf(b);
            keep.Add(rowKey);
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, rowKey)
            {
                ["CycleId"] = cycleId,
                ["Status"] = status,
                ["KpiCode"] = b.KpiCode,
                ["Scope"] = b.Scope,
                ["Group"] = b.Group,
                ["Audience"] = b.Audience,
                ["N"] = b.N,
                ["Mean"] = b.Mean,
                ["Q1"] = b.Q1,
                ["Median"] = b.Median,
                ["Q3"] = b.Q3,
                ["Suppressed"] = b.Suppressed,
                ["Confidentiality"] = b.Confidentiality,
                ["Reason"] = b.Reason,
                ["ComputedAt"] = computedAt,
                ["Respondents"] = respondents,
                ["CatalogueVersion"] = catalogueVersion,
            }));
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

    /// <summary>The rows of one audience (disclosure level) of the cycle's snapshot of this kind.</summary>
    public async Task<IReadOnlyList<BenchmarkRow>> ReadAsync(string cycleId, BenchmarkKind kind, string audience, CancellationToken cancellationToken = default)
    {
        var partition = PartitionOf(cycleId, kind);
        var rows = new List<BenchmarkRow>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and Audience eq {audience}");
        await foreach (var e in storage.Benchmarks.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(new BenchmarkRow(
                e.GetString("CycleId"),
                e.GetString("Status"),
                e.GetString("KpiCode"),
                e.GetString("Scope"),
                e.GetString("Group"),
                e.GetInt32("N") ?? 0,
                e.GetDouble("Mean"),
                e.GetDouble("Median"),
                e.GetBoolean("Suppressed") ?? false,
                e.GetDateTimeOffset("ComputedAt") ?? DateTimeOffset.MinValue,
                e.GetInt32("Respondents") ?? 0,
                e.GetString("CatalogueVersion"),
                e.GetString("Audience")));
        }

        return rows;
    }
}
