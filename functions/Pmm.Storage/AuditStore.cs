using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Pmm.Core.Audit;

namespace Pmm.Storage;

/// <summary>
/// The audit trail, append-only, in the <c>Audit</c> table: partition = cycle id, row key = the event's
/// <see cref="AuditEvent.EventKey"/>. An event is inserted, never updated: recording the same key again (an activity
/// retried after a crash, two identical requests) keeps the first entry and reports false.
/// </summary>
public sealed class AuditStore(PmmStorage storage)
{
    /// <summary>Records an event once; false when an event with its key was already recorded.</summary>
    public async Task<bool> RecordAsync(AuditEvent audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        try
        {
            await storage.Audit.AddEntityAsync(ToEntity(audit), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// The insert of <paramref name="audit"/> as an action of a table transaction on the <c>Audit</c> table (same
    /// partition, i.e. same cycle, only): several events of one change written together. A transaction fails as a whole
    /// when one of its keys exists; use it only for events that a retry cannot have written already, or catch 409.
    /// </summary>
    public static TableTransactionAction InsertAction(AuditEvent audit) => new(TableTransactionActionType.Add, ToEntity(audit));

    /// <summary>A cycle's trail, oldest first (ties by key), optionally of one Member.</summary>
    public async Task<IReadOnlyList<AuditEvent>> ListAsync(string cycleId, string? memberCode = null, CancellationToken cancellationToken = default)
    {
        var events = new List<AuditEvent>();
        var filter = memberCode is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {cycleId}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {cycleId} and MemberCode eq {memberCode}");
        await foreach (var entity in storage.Audit.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            events.Add(FromEntity(entity));
        }

        return [.. events.OrderBy(e => e.At).ThenBy(e => e.EventKey, StringComparer.Ordinal)];
    }

    static TableEntity ToEntity(AuditEvent e) => new(e.CycleId, e.EventKey)
    {
        ["Action"] = e.Action.ToString(),
        ["At"] = e.At,
        ["Actor"] = e.Actor,
        [nameof(AuditEvent.MemberCode)] = e.MemberCode,
        ["Reason"] = e.Reason,
        ["Details"] = e.Details is { Count: > 0 } details ? JsonSerializer.Serialize(details) : null,
    };

    static AuditEvent FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.RowKey,
        Enum.Parse<AuditAction>(e.GetString("Action")),
        e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
        e.GetString("Actor") ?? AuditEvent.SystemActor,
        e.GetString(nameof(AuditEvent.MemberCode)),
        e.GetString("Reason"),
        e.GetString("Details") is { Length: > 0 } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) : null);
}
