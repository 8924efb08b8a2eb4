using Azure;
using Azure.Data.Tables;
using Pmm.Core.Catalogue;
using Pmm.Core.Cycles;

namespace Pmm.Storage;

/// <summary>
/// Cycles, one row each in the <c>Cycles</c> table (partition <c>cycle</c>, row key = cycle id). Rows written before
/// cycles pinned their reference data have no <c>CatalogueVersion</c> / <c>MembersVersion</c> and read as the embedded
/// versions, which were the only ones then (2026.1 both; such rows exist only in development storage).
/// </summary>
public sealed class CycleStore(PmmStorage storage)
{
    const string Partition = "cycle";

    /// <summary>Records a new cycle; false when one with the same id exists.</summary>
    public async Task<bool> TryCreateAsync(Cycle cycle, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.Cycles.AddEntityAsync(ToEntity(cycle), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<Cycle?> GetAsync(string cycleId, CancellationToken cancellationToken = default)
    {
        var response = await storage.Cycles.GetEntityIfExistsAsync<TableEntity>(Partition, cycleId, cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task<IReadOnlyList<Cycle>> ListAsync(CancellationToken cancellationToken = default)
    {
        var cycles = new List<Cycle>();
        await foreach (var entity in storage.Cycles.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            cycles.Add(FromEntity(entity));
        }

        return cycles;
    }

    /// <summary>Records a cycle's status; <paramref name="failureReason"/> only with <see cref="CycleStatus.Failed"/> (any other status clears it).</summary>
    public Task SetStatusAsync(string cycleId, CycleStatus status, DateTimeOffset? closedAt, string? reason, string? failureReason = null, CancellationToken cancellationToken = default) =>
        storage.Cycles.UpdateEntityAsync(
            new TableEntity(Partition, cycleId)
            {
                ["Status"] = status.ToString(),
                ["ClosedAt"] = closedAt,
                ["ClosedReason"] = reason,

                // A merge keeps a property that is left out, so an empty string is what clears the reason.
                ["FailureReason"] = failureReason ?? "",
            },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken);

    public Task SetDeadlineAsync(string cycleId, DateTimeOffset deadline, CancellationToken cancellationToken = default) =>
        storage.Cycles.UpdateEntityAsync(new TableEntity(Partition, cycleId) { ["Deadline"] = deadline }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    static TableEntity ToEntity(Cycle c) => new(Partition, c.CycleId)
    {
        ["ReportingYear"] = c.ReportingYear,
        ["Deadline"] = c.Deadline,
        ["Status"] = c.Status.ToString(),
        ["OpenedAt"] = c.OpenedAt,
        ["ClosedAt"] = c.ClosedAt,
        ["ClosedReason"] = c.ClosedReason,
        ["CatalogueVersion"] = c.CatalogueVersion,
        ["MembersVersion"] = c.MembersVersion,
        ["FailureReason"] = c.FailureReason ?? "",
    };

    static Cycle FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetInt32("ReportingYear") ?? 0,
        e.GetDateTimeOffset("Deadline") ?? DateTimeOffset.MinValue,
        Enum.Parse<CycleStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("OpenedAt") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("ClosedAt"),
        e.GetString("ClosedReason"),
        e.GetString("CatalogueVersion") ?? KpiCatalogue.Embedded.Version,
        e.GetString("MembersVersion") ?? MemberDirectory.Embedded.Version!,
        e.GetString("FailureReason") is { Length: > 0 } failure ? failure : null);
}
