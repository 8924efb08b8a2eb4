using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pmm.Core.Cycles;
using Pmm.Functions.Cycles;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Benchmarks;

/// <summary>Body of <see cref="BenchmarkFunctions.PublishBenchmarks"/>: both optional (the current final snapshot, at once).</summary>
public sealed record PublishRequest(string? SnapshotId = null, DateTimeOffset? ReleaseAt = null);

/// <summary>Input of the embargo orchestration and of the activity that releases a publication.</summary>
public sealed record PublicationRequest(string CycleId, string SnapshotId, DateTimeOffset ReleaseAt);

/// <summary>
/// A cycle's publication as every caller sees it: <c>unpublished</c>, <c>embargoed</c> (a snapshot waits for its release
/// time, none is out yet) or <c>published</c> (a snapshot is out; a newer one may be embargoed meanwhile).
/// </summary>
public sealed record PublicationView(string Status, string? SnapshotId, DateTimeOffset? PublishedAt, string? EmbargoedSnapshotId, DateTimeOffset? ReleaseAt)
{
    public const string Unpublished = "unpublished";
    public const string Embargoed = "embargoed";
    public const string Published = "published";

    public static PublicationView From(PublicationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var status = state.SnapshotId is not null ? Published : state.EmbargoedSnapshotId is not null ? Embargoed : Unpublished;
        return new(status, state.SnapshotId, state.PublishedAt, state.EmbargoedSnapshotId, state.ReleaseAt);
    }
}

/// <summary>A snapshot's record as a caller may see it: the rows hash (of every audience's rows) is for Staff.</summary>
public sealed record SnapshotView(
    string SnapshotId,
    string Kind,
    string State,
    DateTimeOffset ComputedAt,
    int Respondents,
    string CatalogueVersion,
    string MembersVersion,
    string MethodVersion,
    int MeanThreshold,
    int QuantileThreshold,
    int RowCount,
    string? RowsHash,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? ReleaseAt)
{
    public static SnapshotView From(SnapshotRecord r, bool staff)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.SnapshotId, BenchmarkStore.KindName(r.Kind), r.State.ToString().ToLowerInvariant(), r.ComputedAt, r.Respondents, r.CatalogueVersion, r.MembersVersion, r.MethodVersion, r.MeanThreshold, r.QuantileThreshold, r.RowCount, staff ? r.RowsHash : null, r.PublishedAt, r.ReleaseAt);
    }
}

/// <summary>
/// What staff do with a closed cycle's benchmarks: publish a final snapshot (at once, or at a release time: an embargo
/// held by a durable timer), and compute a new final snapshot as a correction, which is then published again.
/// </summary>
public sealed class BenchmarkPublishing(CycleStore cycles, BenchmarkStore benchmarks, TimeProvider clock)
{
    /// <summary>Orchestration instance of an embargoed publication; one per request, so a later one never collides.</summary>
    public static string PublicationInstanceId(string cycleId) => $"publication-{cycleId}-{Guid.NewGuid():N}";

    /// <summary>Orchestration instance of a recomputation: one per snapshot.</summary>
    public static string RecomputeInstanceId(string cycleId, string snapshotId) => $"snapshot-{cycleId}-{snapshotId}";

    /// <summary>Publishes (or schedules) a final snapshot: 200 when published now, 202 when embargoed; or the refusal.</summary>
    public async Task<(PublicationView? Publication, bool Embargoed, IActionResult? Problem)> PublishAsync(string cycleId, PublishRequest body, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(client);
        if (await ClosedCycleAsync(cycleId, "published", cancellationToken) is { } refused)
        {
            return (null, false, refused);
        }

        var snapshotId = body.SnapshotId ?? await benchmarks.GetPointerAsync(cycleId, SnapshotPointers.Final, cancellationToken);
        if (snapshotId is null)
        {
            return (null, false, Problems.NotFound(ProblemCodes.NoSnapshot, $"Cycle '{cycleId}' has no final benchmarks to publish."));
        }

        if (await benchmarks.GetSnapshotAsync(cycleId, snapshotId, cancellationToken) is not { } record)
        {
            return (null, false, BenchmarkQueries.SnapshotNotFound(cycleId, snapshotId, "/snapshotId"));
        }

        if (record is not { Kind: BenchmarkKind.Final, State: SnapshotState.Complete })
        {
            return (null, false, Problems.Conflict(ProblemCodes.SnapshotNotPublishable, $"Snapshot '{snapshotId}' is {(record.State == SnapshotState.Complete ? "provisional" : "still being written")}; only a complete final snapshot can be published."));
        }

        var state = await benchmarks.GetPublicationAsync(cycleId, cancellationToken);
        if (state.SnapshotId is { } published && string.CompareOrdinal(published, snapshotId) > 0)
        {
            return (null, false, Problems.Conflict(ProblemCodes.SnapshotSuperseded, $"Snapshot '{snapshotId}' is older than '{published}', which is published; a publication never goes back to older figures. Recompute ({Routes.Show("POST", Routes.CycleRecompute)}) for a correction."));
        }

        var now = clock.GetUtcNow();
        if (body.ReleaseAt is not { } releaseAt || releaseAt <= now)
        {
            if (state.SnapshotId != snapshotId)
            {
                await benchmarks.PublishAsync(cycleId, snapshotId, now, cancellationToken);
            }

            return (PublicationView.From(await benchmarks.GetPublicationAsync(cycleId, cancellationToken)), false, null);
        }

        await benchmarks.ScheduleAsync(cycleId, snapshotId, releaseAt, cancellationToken);
        await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(BenchmarkFunctions.PublicationOrchestration),
            new PublicationRequest(cycleId, snapshotId, releaseAt),
            new StartOrchestrationOptions(PublicationInstanceId(cycleId)),
            cancellationToken);
        return (PublicationView.From(await benchmarks.GetPublicationAsync(cycleId, cancellationToken)), true, null);
    }

    /// <summary>
    /// Releases an embargoed publication at its time, unless another publication replaced it meanwhile (a later request
    /// or an earlier release): only the embargo the store still names, with this release time, goes out.
    /// </summary>
    public async Task<bool> ReleaseAsync(PublicationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var state = await benchmarks.GetPublicationAsync(request.CycleId, cancellationToken);
        if (state.EmbargoedSnapshotId != request.SnapshotId || state.ReleaseAt is not { } releaseAt || (releaseAt - request.ReleaseAt).Duration() > TimeSpan.FromMilliseconds(1))
        {
            return false;
        }

        return await benchmarks.PublishAsync(request.CycleId, request.SnapshotId, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>Starts a new final snapshot of a closed cycle (a correction): 202 with its id; or the refusal.</summary>
    public async Task<(string? SnapshotId, IActionResult? Problem)> RecomputeAsync(string cycleId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (await ClosedCycleAsync(cycleId, "recomputed", cancellationToken) is { } refused)
        {
            return (null, refused);
        }

        var snapshotId = BenchmarkStore.NewSnapshotId(BenchmarkKind.Final, clock.GetUtcNow().UtcDateTime, Guid.NewGuid());
        await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(BenchmarkFunctions.FinalBenchmarksOrchestration),
            new BenchmarkRequest(cycleId, Final: true, snapshotId),
            new StartOrchestrationOptions(RecomputeInstanceId(cycleId, snapshotId)),
            cancellationToken);
        return (snapshotId, null);
    }

    async Task<IActionResult?> ClosedCycleAsync(string cycleId, string action, CancellationToken cancellationToken)
    {
        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return CycleCommands.NotFound(cycleId);
        }

        return cycle.Status == CycleStatus.Closed
            ? null
            : Problems.Conflict(ProblemCodes.CycleNotClosed, $"Cycle '{cycleId}' is {cycle.Status.ToString().ToLowerInvariant()}; benchmarks are {action} only once it is closed.");
    }
}
