using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Pmm.Core.Benchmarks;

namespace Pmm.Storage;

/// <summary>A Member's current accepted submission as a snapshot's lineage names it: its id, content hash and KPI values.</summary>
public sealed record CurrentSubmission(string MemberCode, string SubmissionId, string? ContentHash, MemberKpis Kpis);

/// <summary>
/// Each Member's current accepted submission per cycle, with its KPI values and the disclosure level of each: table
/// <c>CurrentSubmissions</c>, partition = cycle id, row key = Member code. Benchmarks read one partition.
/// </summary>
public sealed class CurrentSubmissionStore(PmmStorage storage)
{
    /// <summary>
    /// Makes the submission current unless a later one (by submission id, which is time-ordered) already is.
    /// Optimistic concurrency: two validations finishing together cannot leave the older one current.
    /// </summary>
    public async Task<bool> PromoteAsync(string cycleId, string memberCode, string submissionId, IReadOnlyDictionary<string, decimal> kpis, IReadOnlyDictionary<string, string>? disclosure, DateTimeOffset acceptedAt, IReadOnlyDictionary<string, decimal>? items = null, string? contentHash = null, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(cycleId, memberCode)
        {
            ["SubmissionId"] = submissionId,
            ["ContentHash"] = contentHash,
            ["AcceptedAt"] = acceptedAt,
            ["KpiValues"] = JsonSerializer.Serialize(kpis),
            ["Disclosure"] = JsonSerializer.Serialize(disclosure ?? new Dictionary<string, string>()),
            ["ItemValues"] = JsonSerializer.Serialize(items ?? new Dictionary<string, decimal>()),
        };
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await storage.CurrentSubmissions.GetEntityIfExistsAsync<TableEntity>(cycleId, memberCode, cancellationToken: cancellationToken);
            try
            {
                if (!existing.HasValue)
                {
                    await storage.CurrentSubmissions.AddEntityAsync(entity, cancellationToken);
                    return true;
                }

                if (string.CompareOrdinal(existing.Value!.GetString("SubmissionId"), submissionId) > 0)
                {
                    return false;
                }

                await storage.CurrentSubmissions.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another validation got there first; read again and decide again.
            }
        }

        throw new InvalidOperationException($"Could not make submission {submissionId} current for {memberCode} in cycle {cycleId}: too much contention.");
    }

    public async Task<string?> GetCurrentIdAsync(string cycleId, string memberCode, CancellationToken cancellationToken = default)
    {
        var e = await storage.CurrentSubmissions.GetEntityIfExistsAsync<TableEntity>(cycleId, memberCode, cancellationToken: cancellationToken);
        return e.HasValue ? e.Value!.GetString("SubmissionId") : null;
    }

    public async Task<IReadOnlyList<MemberKpis>> ListAsync(string cycleId, CancellationToken cancellationToken = default) =>
        [.. (await ListCurrentAsync(cycleId, cancellationToken)).Select(c => c.Kpis)];

    /// <summary>Every Member's current submission in the cycle, with its id and content hash (for a snapshot's lineage).</summary>
    public async Task<IReadOnlyList<CurrentSubmission>> ListCurrentAsync(string cycleId, CancellationToken cancellationToken = default)
    {
        var list = new List<CurrentSubmission>();
        await foreach (var e in storage.CurrentSubmissions.QueryAsync<TableEntity>(e => e.PartitionKey == cycleId, cancellationToken: cancellationToken))
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, decimal>>(e.GetString("KpiValues") ?? "{}") ?? [];
            var disclosure = JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Disclosure") ?? "{}") ?? [];
            var items = JsonSerializer.Deserialize<Dictionary<string, decimal>>(e.GetString("ItemValues") ?? "{}") ?? [];
            list.Add(new CurrentSubmission(e.RowKey, e.GetString("SubmissionId"), e.GetString("ContentHash"), new MemberKpis(e.RowKey, values, disclosure) { Items = items }));
        }

        return list;
    }
}
