using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;
using Pmm.Functions.Cycles;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Benchmarks;

/// <summary>
/// Benchmarks: a timer starts an orchestration that computes a provisional snapshot of every open cycle; the cycle
/// orchestration computes a final one at closing, and staff a new one when they recompute; staff publish a final
/// snapshot (at once or under embargo); dashboards read the published one over HTTP or straight from the
/// <c>Benchmarks</c> table through its pointer (contract in the README).
/// </summary>
public sealed class BenchmarkFunctions(
    CycleStore cycles,
    BenchmarkStore benchmarks,
    BenchmarkSnapshots snapshots,
    BenchmarkQueries queries,
    BenchmarkPublishing publishing,
    ILogger<BenchmarkFunctions> logger)
{
    /// <summary>One provisional run at a time: the timer skips a tick while the previous run is going.</summary>
    public const string ProvisionalInstanceId = "benchmarks-provisional";

    [Function(nameof(RecomputeProvisionalBenchmarks))]
    public async Task RecomputeProvisionalBenchmarks(
        [TimerTrigger("%" + AppSettingNames.BenchmarkSchedule + "%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var previous = await client.GetInstanceAsync(ProvisionalInstanceId, cancellationToken);
        if (previous is { IsRunning: true } || previous?.RuntimeStatus == OrchestrationRuntimeStatus.Pending)
        {
            logger.LogInformation("Provisional benchmarks are still being computed; skipping this tick.");
            return;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(nameof(ProvisionalBenchmarksOrchestration), new StartOrchestrationOptions(ProvisionalInstanceId), cancellationToken);
    }

    /// <summary>
    /// Computes a provisional snapshot of every open cycle, in parallel. Each snapshot's id is made here, from the
    /// orchestration's clock and GUID, so a retried activity rewrites the same snapshot.
    /// </summary>
    [Function(nameof(ProvisionalBenchmarksOrchestration))]
    public static async Task<IReadOnlyList<BenchmarkSummary>> ProvisionalBenchmarksOrchestration([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var open = await context.CallActivityAsync<List<string>>(nameof(ListOpenCycles), null, CycleFunctions.Retry);
        var runs = open.Select(id => context.CallActivityAsync<BenchmarkSummary>(
            nameof(ComputeBenchmarks),
            new BenchmarkRequest(id, Final: false, BenchmarkStore.NewSnapshotId(BenchmarkKind.Provisional, context.CurrentUtcDateTime, context.NewGuid())),
            CycleFunctions.Retry));
        return await Task.WhenAll(runs);
    }

    /// <summary>Computes one final snapshot of a closed cycle (a recomputation staff asked for; the id comes with the request).</summary>
    [Function(nameof(FinalBenchmarksOrchestration))]
    public static Task<BenchmarkSummary> FinalBenchmarksOrchestration([OrchestrationTrigger] TaskOrchestrationContext context, BenchmarkRequest request) =>
        context.CallActivityAsync<BenchmarkSummary>(nameof(ComputeBenchmarks), request, CycleFunctions.Retry);

    [Function(nameof(ListOpenCycles))]
    public async Task<List<string>> ListOpenCycles([ActivityTrigger] object? input) =>
        [.. (await cycles.ListAsync()).Where(c => c.Status == CycleStatus.Open).Select(c => c.CycleId)];

    /// <summary>Computes and stores one snapshot of a cycle's benchmarks (<see cref="BenchmarkSnapshots"/>).</summary>
    [Function(nameof(ComputeBenchmarks))]
    public Task<BenchmarkSummary> ComputeBenchmarks([ActivityTrigger] BenchmarkRequest request) => snapshots.ComputeAsync(request);

    /// <summary>
    /// A cycle's benchmarks: one audience of one whole snapshot. Members and Readers read the published snapshot
    /// (404 <c>PMM-SNAP-002</c> before there is one; <c>?status=provisional|final</c> and <c>?snapshot=</c> are 403
    /// <c>PMM-AUTH-006</c>); Staff read any (<c>?status=</c>, <c>?snapshot={id}</c>), by default the final once the cycle
    /// is closed and the provisional before. <c>?audience=</c> a disclosure level, at most the caller's
    /// (<see cref="Caller.AudienceIndex"/>), by default the caller's.
    /// </summary>
    [Function(nameof(GetBenchmarks))]
    [Access(AppRoles.Reader, AppRoles.Staff, AppRoles.Member)]
    public async Task<IActionResult> GetBenchmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.CycleBenchmarks)] HttpRequest req,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var caller = req.HttpContext.GetCaller();
        var (table, problem) = await queries.ReadAsync(cycleId, caller, req.Query["audience"].ToString(), req.Query["status"].ToString(), req.Query["snapshot"].ToString(), cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var s = table!.Snapshot;
        return new OkObjectResult(new
        {
            cycleId,
            s.SnapshotId,
            status = BenchmarkStore.KindName(s.Kind),
            s.PublishedAt,
            table.Audience,
            s.ComputedAt,
            s.Respondents,
            s.CatalogueVersion,
            s.MembersVersion,
            s.MethodVersion,
            s.MeanThreshold,
            s.QuantileThreshold,
            rows = table.Rows
                .OrderBy(r => r.KpiCode, StringComparer.Ordinal).ThenBy(r => r.Scope, StringComparer.Ordinal).ThenBy(r => r.Group, StringComparer.Ordinal)
                .Select(r => new { r.KpiCode, r.Scope, r.Group, r.Audience, r.N, r.Mean, r.Q1, r.Median, r.Q3, r.Suppressed, r.Confidentiality, r.Reason }),
        });
    }

    /// <summary>
    /// A cycle's snapshots (history) and its current pointers. Staff see every snapshot with its record; Members and
    /// Readers only the published one (or none).
    /// </summary>
    [Function(nameof(ListSnapshots))]
    [Access(AppRoles.Reader, AppRoles.Staff, AppRoles.Member)]
    public async Task<IActionResult> ListSnapshots(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.CycleSnapshots)] HttpRequest req,
        string cycleId,
        CancellationToken cancellationToken)
    {
        if (await cycles.GetAsync(cycleId, cancellationToken) is null)
        {
            return CycleCommands.NotFound(cycleId);
        }

        var staff = req.HttpContext.GetCaller().IsStaff;
        var publication = PublicationView.From(await benchmarks.GetPublicationAsync(cycleId, cancellationToken));
        if (!staff)
        {
            var published = await benchmarks.GetCurrentAsync(cycleId, SnapshotPointers.Published, cancellationToken);
            return new OkObjectResult(new
            {
                cycleId,
                publication,
                current = new { published = published?.SnapshotId },
                snapshots = published is null ? [] : new[] { SnapshotView.From(published, staff: false) },
            });
        }

        var all = await benchmarks.ListSnapshotsAsync(cycleId, cancellationToken);
        return new OkObjectResult(new
        {
            cycleId,
            publication,
            current = new
            {
                provisional = await benchmarks.GetPointerAsync(cycleId, SnapshotPointers.Provisional, cancellationToken),
                final = await benchmarks.GetPointerAsync(cycleId, SnapshotPointers.Final, cancellationToken),
                published = publication.SnapshotId,
            },
            snapshots = all.OrderByDescending(r => r.ComputedAt).Select(r => SnapshotView.From(r, staff: true)),
        });
    }

    /// <summary>
    /// Publishes a closed cycle's final snapshot (body optional: <c>snapshotId</c>, default the current final;
    /// <c>releaseAt</c>, default now). 200 when published now; 202 when embargoed until <c>releaseAt</c>.
    /// </summary>
    [Function(nameof(PublishBenchmarks))]
    [Access(AppRoles.Staff)]
    public async Task<IActionResult> PublishBenchmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.CyclePublish)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestJson.ReadAsync(req, new PublishRequest(), cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.SnapshotId is { } asked && !BenchmarkStore.IsSnapshotId(asked))
        {
            return BenchmarkQueries.SnapshotNotFound(cycleId, asked, "/snapshotId");
        }

        var (publication, embargoed, refused) = await publishing.PublishAsync(cycleId, body, client, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return embargoed
            ? new AcceptedResult(Routes.Url(Routes.Cycle, cycleId), publication)
            : new OkObjectResult(publication);
    }

    /// <summary>Computes a new final snapshot of a closed cycle from its current data (a correction): 202 with its id; publish it after.</summary>
    [Function(nameof(RecomputeBenchmarks))]
    [Access(AppRoles.Staff)]
    public async Task<IActionResult> RecomputeBenchmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.CycleRecompute)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (snapshotId, refused) = await publishing.RecomputeAsync(cycleId, client, cancellationToken);
        return refused ?? new AcceptedResult(Routes.Url(Routes.CycleSnapshots, cycleId), new { cycleId, snapshotId });
    }

    /// <summary>An embargo: waits on a durable timer until the release time, then releases the publication (if still the one asked for).</summary>
    [Function(nameof(PublicationOrchestration))]
    public static async Task<bool> PublicationOrchestration([OrchestrationTrigger] TaskOrchestrationContext context, PublicationRequest request)
    {
        if (request.ReleaseAt.UtcDateTime > context.CurrentUtcDateTime)
        {
            await context.CreateTimer(request.ReleaseAt.UtcDateTime, CancellationToken.None);
        }

        return await context.CallActivityAsync<bool>(nameof(ReleasePublication), request, CycleFunctions.Retry);
    }

    [Function(nameof(ReleasePublication))]
    public Task<bool> ReleasePublication([ActivityTrigger] PublicationRequest request) => publishing.ReleaseAsync(request);
}
