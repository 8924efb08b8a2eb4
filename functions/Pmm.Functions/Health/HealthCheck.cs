using Pmm.Storage;

namespace Pmm.Functions.Health;

/// <summary>What <see cref="HealthCheck.CheckAsync"/> found: each dependency's state, by a fixed name.</summary>
public sealed record HealthReport(bool Healthy, IReadOnlyDictionary<string, string> Checks);

/// <summary>
/// Whether the app's storage answers: one small read of a table and one of a blob container, each bounded by
/// <see cref="Timeout"/>, so a load balancer or an operator learns "storage is down" in seconds rather than after the
/// SDK's retries. Reports states only, never an address, account name or error message.
/// </summary>
public sealed class HealthCheck(PmmStorage storage)
{
    public const string Tables = "tables";
    public const string Blobs = "blobs";
    public const string Ok = "healthy";
    public const string Failed = "unavailable";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var tables = ProbeAsync(async t => await storage.Cycles.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("health", "probe", ["PartitionKey"], t), cancellationToken);
        var blobs = ProbeAsync(async t => await storage.Catalogues.ExistsAsync(t), cancellationToken);
        var checks = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Tables] = await tables ? Ok : Failed,
            [Blobs] = await blobs ? Ok : Failed,
        };
        return new HealthReport(checks.Values.All(v => v == Ok), checks);
    }

    static async Task<bool> ProbeAsync(Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await probe(timeout.Token);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Refused, unreachable, denied or too slow: all "unavailable" to the caller; the cause is the SDK's to log.
            return false;
        }
    }
}
