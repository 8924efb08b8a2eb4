using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pmm.Core.Benchmarks;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
using Pmm.Functions.Catalogue;
using Pmm.Functions.Configuration;
using Pmm.Functions.Cycles;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Benchmarks;

/// <summary>Input of the benchmark computation: which cycle, and whether the figures are final.</summary>
public sealed record BenchmarkRequest(string CycleId, bool Final);

/// <summary>What a benchmark computation wrote.</summary>
public sealed record BenchmarkSummary(string CycleId, int Respondents, int Rows);

/// <summary>
/// Benchmarks: a timer starts an orchestration that recomputes provisional benchmarks of every open
/// cycle; the cycle orchestration computes final ones at closing; dashboards read them over HTTP or
/// straight from the <c>Benchmarks</c> table (contract in the README).
/// </summary>
public sealed class BenchmarkFunctions(
    CycleStore cycles,
    CurrentSubmissionStore current,
    BenchmarkStore benchmarks,
    ReferenceDataProvider reference,
    IOptions<BenchmarkOptions> options,
    BenchmarkQueries queries,
    TimeProvider clock,
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

    /// <summary>Recomputes provisional benchmarks of every open cycle, in parallel.</summary>
    [Function(nameof(ProvisionalBenchmarksOrchestration))]
    public static async Task<IReadOnlyList<BenchmarkSummary>> ProvisionalBenchmarksOrchestration([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var open = await context.CallActivityAsync<List<string>>(nameof(ListOpenCycles), null, CycleFunctions.Retry);
        var runs = open.Select(id => context.CallActivityAsync<BenchmarkSummary>(nameof(ComputeBenchmarks), new BenchmarkRequest(id, Final: false), CycleFunctions.Retry));
        return await Task.WhenAll(runs);
    }

    [Function(nameof(ListOpenCycles))]
    public async Task<List<string>> ListOpenCycles([ActivityTrigger] object? input) =>
        [.. (await cycles.ListAsync()).Where(c => c.Status == CycleStatus.Open).Select(c => c.CycleId)];

    /// <summary>
    /// Computes and stores a cycle's benchmarks from every Member's current accepted submission, with the cycle's
    /// catalogue (KPIs) and Members reference set (regions, income groups).
    /// </summary>
    [Function(nameof(ComputeBenchmarks))]
    public async Task<BenchmarkSummary> ComputeBenchmarks([ActivityTrigger] BenchmarkRequest request)
    {
        var cycle = await cycles.GetAsync(request.CycleId)
            ?? throw new InvalidOperationException($"Cycle {request.CycleId} has no record.");
        var (catalogue, members, _) = await reference.ForCycleAsync(cycle);
        var submissions = await current.ListAsync(request.CycleId);
        var rows = BenchmarkCalculator.Compute(catalogue, members, submissions, options.Value.Disclosure, Caller.MemberAudienceIndex(BenchmarkCalculator.Audiences(catalogue)) + 1);
        var kind = request.Final ? BenchmarkKind.Final : BenchmarkKind.Provisional;
        await benchmarks.ReplaceAsync(request.CycleId, kind, rows, submissions.Count, catalogue.Version, clock.GetUtcNow());
        return new BenchmarkSummary(request.CycleId, submissions.Count, rows.Count);
    }

    /// <summary>
    /// A cycle's benchmarks. <c>?status=final|provisional</c>; by default final once the cycle is closed,
    /// provisional before. Provisional figures are labelled as such in every row. <c>?audience=</c> a disclosure
    /// level, at most the caller's (<see cref="Caller.AudienceIndex"/>), by default the caller's: the rows then
    /// aggregate only values their Members allowed that audience to see.
    /// </summary>
    [Function(nameof(GetBenchmarks))]
    [Access(AppRoles.Reader, AppRoles.Staff, AppRoles.Member)]
    public async Task<IActionResult> GetBenchmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.CycleBenchmarks)] HttpRequest req,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (table, problem) = await queries.ReadAsync(cycleId, req.HttpContext.GetCaller(), req.Query["audience"].ToString(), req.Query["status"].ToString(), cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var rows = table!.Rows;
        return new OkObjectResult(new
        {
            cycleId,
            status = table.Kind.ToString().ToLowerInvariant(),
            table.Audience,
            computedAt = rows.Count > 0 ? rows.Max(r => r.ComputedAt) : (DateTimeOffset?)null,
            respondents = rows.Count > 0 ? rows[0].Respondents : 0,
            catalogueVersion = rows.Count > 0 ? rows[0].CatalogueVersion : null,
            rows = rows.OrderBy(r => r.KpiCode, StringComparer.Ordinal).ThenBy(r => r.Scope, StringComparer.Ordinal).ThenBy(r => r.Group, StringComparer.Ordinal),
        });
    }
}
