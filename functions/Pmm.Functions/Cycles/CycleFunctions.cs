using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
using Pmm.Functions.Benchmarks;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Cycles;

/// <summary>
/// The cycle feature: staff open a cycle, read it, extend its deadline and close it. One durable
/// orchestration per cycle (instance id <c>cycle-{cycleId}</c>) waits for the close event or the deadline.
/// A cycle is pinned to a catalogue and a Members reference version when it opens.
/// </summary>
public sealed class CycleFunctions(CycleStore cycles, CycleCommands commands, BenchmarkStore benchmarks)
{
    public static string InstanceIdOf(string cycleId) => $"cycle-{cycleId}";

    [Function(nameof(OpenCycle))]
    [Access(AppRoles.Staff)]
    public async Task<IActionResult> OpenCycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Cycles)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestJson.ReadAsync<OpenCycleRequest>(req, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (cycle, refused) = await commands.OpenAsync(body!, client, cancellationToken);
        return refused ?? new CreatedResult(Routes.Url(Routes.Cycle, cycle!.CycleId), CycleView.From(cycle, "Pending"));
    }

    [Function(nameof(ListCycles))]
    [Access(AppRoles.Staff, AppRoles.Member, AppRoles.Reader)]
    public async Task<IActionResult> ListCycles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Cycles)] HttpRequest req,
        CancellationToken cancellationToken)
    {
        var all = await cycles.ListAsync(cancellationToken);
        var staff = req.HttpContext.GetCaller().IsStaff;
        var views = new List<CycleView>();
        foreach (var c in all.OrderByDescending(c => c.OpenedAt))
        {
            views.Add(CycleView.From(CycleView.Visible(c, staff)) with { Publication = await PublicationOfAsync(c, cancellationToken) });
        }

        return new OkObjectResult(views);
    }

    [Function(nameof(GetCycle))]
    [Access(AppRoles.Staff, AppRoles.Member, AppRoles.Reader)]
    public async Task<IActionResult> GetCycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Cycle)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        CancellationToken cancellationToken)
    {
        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return CycleCommands.NotFound(cycleId);
        }

        // Only staff see the orchestration's state.
        var orchestration = req.HttpContext.GetCaller().IsStaff
            ? (await client.GetInstanceAsync(InstanceIdOf(cycleId), cancellationToken))?.RuntimeStatus.ToString()
            : null;
        return new OkObjectResult(CycleView.From(CycleView.Visible(cycle, req.HttpContext.GetCaller().IsStaff), orchestration) with { Publication = await PublicationOfAsync(cycle, cancellationToken) });
    }

    /// <summary>Only a closed cycle has anything to publish; an open one shows no publication.</summary>
    async Task<PublicationView?> PublicationOfAsync(Cycle cycle, CancellationToken cancellationToken) =>
        cycle.Status == CycleStatus.Closed ? PublicationView.From(await benchmarks.GetPublicationAsync(cycle.CycleId, cancellationToken)) : null;

    [Function(nameof(CloseCycle))]
    [Access(AppRoles.Staff)]
    public async Task<IActionResult> CloseCycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.CycleClose)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (cycle, refused) = await commands.CloseAsync(cycleId, req.HttpContext.GetCaller(), client, cancellationToken);
        return refused ?? new AcceptedResult(Routes.Url(Routes.Cycle, cycleId), CycleView.From(cycle!));
    }

    [Function(nameof(ExtendDeadline))]
    [Access(AppRoles.Staff)]
    public async Task<IActionResult> ExtendDeadline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.CycleDeadline)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestJson.ReadAsync<ExtendDeadlineRequest>(req, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (cycle, refused) = await commands.ExtendDeadlineAsync(cycleId, body!, req.HttpContext.GetCaller(), client, cancellationToken);
        return refused ?? new AcceptedResult(Routes.Url(Routes.Cycle, cycleId), CycleView.From(cycle!));
    }

    /// <summary>
    /// Computes a failed cycle's final benchmarks again (after the cause was fixed): 202, the cycle goes back to closing
    /// and then to closed, or to failed again with the new reason. Only a failed cycle can be retried (409 otherwise).
    /// </summary>
    [Function(nameof(RetryCycle))]
    [Access(AppRoles.Staff)]
    public async Task<IActionResult> RetryCycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.CycleRetry)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (cycle, refused) = await commands.RetryAsync(cycleId, req.HttpContext.GetCaller(), client, cancellationToken);
        return refused ?? new AcceptedResult(Routes.Url(Routes.Cycle, cycleId), CycleView.From(cycle!));
    }

    /// <summary>
    /// Runs a cycle: waits for the staff close event, a deadline extension, or the deadline (whichever comes
    /// first; the others are cancelled), then stops submissions, computes final benchmarks, and closes. If the
    /// computation keeps failing the cycle is marked failed, with the reason, until staff retry it (<see cref="RetryCycle"/>).
    /// </summary>
    [Function(nameof(CycleOrchestration))]
    public static async Task<CycleOutcome> CycleOrchestration([OrchestrationTrigger] TaskOrchestrationContext context, CycleOrchestrationInput input)
    {
        var log = context.CreateReplaySafeLogger<CycleFunctions>();
        using var cts = new CancellationTokenSource();
        var close = context.WaitForExternalEvent<CloseCycleEvent>(CycleEvents.Close, cts.Token);
        var extend = context.WaitForExternalEvent<ExtendDeadlineEvent>(CycleEvents.ExtendDeadline, cts.Token);
        var timer = context.CreateTimer(input.Deadline.UtcDateTime, cts.Token);
        var winner = await Task.WhenAny(close, extend, timer);
        // Cancel synchronously: CancelAsync would resume on the thread pool, outside the orchestration scheduler.
#pragma warning disable CA1849
        cts.Cancel();
#pragma warning restore CA1849
        if (winner == extend)
        {
            // A new deadline restarts the wait with fresh history; a close raised meanwhile is kept.
            var extension = await extend;
            var deadline = extension.Deadline > input.Deadline ? extension.Deadline : input.Deadline;
            await context.CallActivityAsync(nameof(SetCycleDeadline), new CycleDeadlineChange(input.CycleId, deadline), Retry);
            log.LogInformation("Cycle {CycleId}: deadline extended to {Deadline} by {By}", input.CycleId, deadline, extension.RequestedBy);
            context.ContinueAsNew(input with { Deadline = deadline }, preserveUnprocessedEvents: true);
            return null!;
        }

        var reason = winner == close ? $"closed by staff ({(await close).RequestedBy})" : "deadline passed";
        var closingAt = context.CurrentUtcDateTime;
        await context.CallActivityAsync(nameof(SetCycleStatus), new CycleStatusChange(input.CycleId, CycleStatus.Closing, closingAt, reason), Retry);

        // One id for every attempt: a retried or staff-retried computation rewrites the same snapshot.
        var snapshotId = BenchmarkStore.NewSnapshotId(BenchmarkKind.Final, context.CurrentUtcDateTime, context.NewGuid());
        BenchmarkSummary summary;
        while (true)
        {
            try
            {
                summary = await context.CallActivityAsync<BenchmarkSummary>(
                    nameof(BenchmarkFunctions.ComputeBenchmarks),
                    new BenchmarkRequest(input.CycleId, Final: true, snapshotId),
                    Retry);
                break;
            }
            catch (TaskFailedException ex)
            {
                // Still failing after the retries: a cause staff must fix (an unusable reference version, say). The cycle
                // says so instead of staying "closing" for good, and waits for staff to retry.
                var failure = FailureReasonOf(ex);
                log.LogError("Cycle {CycleId}: final benchmarks failed: {Failure}", input.CycleId, failure);
                await context.CallActivityAsync(nameof(SetCycleStatus), new CycleStatusChange(input.CycleId, CycleStatus.Failed, closingAt, reason, failure), Retry);
                var retry = await context.WaitForExternalEvent<RetryCycleEvent>(CycleEvents.Retry);
                log.LogInformation("Cycle {CycleId}: final benchmarks retried by {By}", input.CycleId, retry.RequestedBy);
                await context.CallActivityAsync(nameof(SetCycleStatus), new CycleStatusChange(input.CycleId, CycleStatus.Closing, closingAt, reason), Retry);
            }
        }

        var closedAt = context.CurrentUtcDateTime;
        await context.CallActivityAsync(nameof(SetCycleStatus), new CycleStatusChange(input.CycleId, CycleStatus.Closed, closedAt, reason), Retry);
        log.LogInformation("Cycle {CycleId} closed: {Reason}; {Respondents} respondents, {Rows} benchmark rows", input.CycleId, reason, summary.Respondents, summary.Rows);
        return new CycleOutcome(input.CycleId, reason, closedAt, summary.Respondents, summary.Rows, summary.SnapshotId);
    }

    /// <summary>
    /// What a failed computation says to staff: the first line of the activity's error, which names what is wrong
    /// (e.g. the catalogue version that cannot be loaded), kept short; the whole error is in the log.
    /// </summary>
    static string FailureReasonOf(TaskFailedException ex)
    {
        var message = (ex.FailureDetails.ErrorMessage ?? ex.FailureDetails.ErrorType).Split('\n')[0].Trim();
        const int MaxLength = 300;
        return $"Final benchmarks could not be computed: {(message.Length <= MaxLength ? message : message[..MaxLength] + "…")}";
    }

    [Function(nameof(SetCycleStatus))]
    public async Task SetCycleStatus([ActivityTrigger] CycleStatusChange change) =>
        await cycles.SetStatusAsync(change.CycleId, change.Status, change.At, change.Reason, change.FailureReason);

    [Function(nameof(SetCycleDeadline))]
    public async Task SetCycleDeadline([ActivityTrigger] CycleDeadlineChange change) =>
        await cycles.SetDeadlineAsync(change.CycleId, change.Deadline);

    /// <summary>Storage calls in activities are retried a few times for transient failures.</summary>
    internal static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2));
}
