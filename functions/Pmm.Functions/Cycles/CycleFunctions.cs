using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
using Pmm.Functions.Benchmarks;
using Pmm.Functions.Catalogue;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Cycles;

/// <summary>
/// The cycle feature: staff open a cycle, read it, extend its deadline and close it. One durable
/// orchestration per cycle (instance id <c>cycle-{cycleId}</c>) waits for the close event or the deadline.
/// A cycle is pinned to a catalogue and a Members reference version when it opens.
/// </summary>
public sealed class CycleFunctions(CycleStore cycles, ReferenceDataProvider reference, RequestAuthenticator auth, TimeProvider clock)
{
    public static string InstanceIdOf(string cycleId) => $"cycle-{cycleId}";

    [Function(nameof(OpenCycle))]
    public async Task<IActionResult> OpenCycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cycles")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var (caller, failure) = await auth.AuthenticateAsync(req, AppRoles.Staff);
        if (failure is not null)
        {
            return failure;
        }

        var (body, problem) = await RequestJson.ReadAsync<OpenCycleRequest>(req, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var now = clock.GetUtcNow();
        var problems = CycleRules.CheckOpen(body!.CycleId, body.ReportingYear, body.Deadline ?? DateTimeOffset.MinValue, now);
        if (problems.Count > 0)
        {
            return Problems.BadRequest(ProblemCodes.InvalidField, string.Join(" ", problems), errors: problems);
        }

        var catalogueVersion = body.CatalogueVersion ?? reference.DefaultCatalogue.Version;
        if (await reference.FindCatalogueAsync(catalogueVersion, cancellationToken) is null)
        {
            return Problems.BadRequest(ProblemCodes.UnpublishedReferenceVersion, $"catalogueVersion '{catalogueVersion}' is not a published catalogue version. GET /api/catalogues lists them; staff publish one with PUT /api/catalogues/{{version}}. Leave the field out for the default ({reference.DefaultCatalogue.Version}).", pointer: "/catalogueVersion");
        }

        var membersVersion = body.MembersVersion ?? reference.DefaultMembersVersion;
        if (await reference.FindMembersAsync(membersVersion, cancellationToken) is null)
        {
            return Problems.BadRequest(ProblemCodes.UnpublishedReferenceVersion, $"membersVersion '{membersVersion}' is not a published Members reference version. GET /api/members lists them; staff publish one with PUT /api/members/{{version}}. Leave the field out for the default ({reference.DefaultMembersVersion}).", pointer: "/membersVersion");
        }

        var cycle = new Cycle(body.CycleId!, body.ReportingYear, body.Deadline!.Value, CycleStatus.Open, now, null, null, catalogueVersion, membersVersion);
        var instanceId = InstanceIdOf(cycle.CycleId);
        if (!await cycles.TryCreateAsync(cycle, cancellationToken))
        {
            // The row exists. If its orchestration also exists the cycle is already open (or was): 409.
            // If not, an earlier open stopped between the two steps: finish it with the stored values.
            if (await client.GetInstanceAsync(instanceId, cancellationToken) is { } existing)
            {
                return Problems.Conflict(ProblemCodes.CycleExists, $"Cycle '{cycle.CycleId}' already exists (orchestration {existing.RuntimeStatus}). Use GET /api/cycles/{cycle.CycleId} to see it.");
            }

            cycle = (await cycles.GetAsync(cycle.CycleId, cancellationToken))!;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(CycleOrchestration),
            new CycleOrchestrationInput(cycle.CycleId, cycle.ReportingYear, cycle.Deadline),
            new StartOrchestrationOptions(instanceId),
            cancellationToken);
        return new CreatedResult($"/api/cycles/{cycle.CycleId}", CycleView.From(cycle, "Pending"));
    }

    [Function(nameof(ListCycles))]
    public async Task<IActionResult> ListCycles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cycles")] HttpRequest req,
        CancellationToken cancellationToken)
    {
        var (_, failure) = await auth.AuthenticateAsync(req, AppRoles.Staff, AppRoles.Member, AppRoles.Reader);
        if (failure is not null)
        {
            return failure;
        }

        var all = await cycles.ListAsync(cancellationToken);
        return new OkObjectResult(all.OrderByDescending(c => c.OpenedAt).Select(c => CycleView.From(c)));
    }

    [Function(nameof(GetCycle))]
    public async Task<IActionResult> GetCycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cycles/{cycleId}")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (caller, failure) = await auth.AuthenticateAsync(req, AppRoles.Staff, AppRoles.Member, AppRoles.Reader);
        if (failure is not null)
        {
            return failure;
        }

        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return CycleNotFound(cycleId);
        }

        string? orchestration = null;
        if (caller!.IsStaff)
        {
            orchestration = (await client.GetInstanceAsync(InstanceIdOf(cycleId), cancellationToken))?.RuntimeStatus.ToString();
        }

        return new OkObjectResult(CycleView.From(cycle, orchestration));
    }

    [Function(nameof(CloseCycle))]
    public async Task<IActionResult> CloseCycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cycles/{cycleId}/close")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (caller, failure) = await auth.AuthenticateAsync(req, AppRoles.Staff);
        if (failure is not null)
        {
            return failure;
        }

        var (found, notOpen) = await OpenCycleAsync(cycleId, "it cannot be closed again", cancellationToken);
        if (notOpen is not null)
        {
            return notOpen;
        }

        await client.RaiseEventAsync(InstanceIdOf(cycleId), CycleEvents.Close, new CloseCycleEvent(caller!.Subject), cancellationToken);
        return new AcceptedResult($"/api/cycles/{cycleId}", CycleView.From(found! with { Status = CycleStatus.Closing }));
    }

    [Function(nameof(ExtendDeadline))]
    public async Task<IActionResult> ExtendDeadline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cycles/{cycleId}/deadline")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (caller, failure) = await auth.AuthenticateAsync(req, AppRoles.Staff);
        if (failure is not null)
        {
            return failure;
        }

        var (body, problem) = await RequestJson.ReadAsync<ExtendDeadlineRequest>(req, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (found, notOpen) = await OpenCycleAsync(cycleId, "its deadline can no longer change", cancellationToken);
        if (notOpen is not null)
        {
            return notOpen;
        }

        var cycle = found!;
        if (body!.Deadline is not { } deadline || deadline <= cycle.Deadline || deadline <= clock.GetUtcNow())
        {
            return Problems.BadRequest(ProblemCodes.InvalidField, $"deadline must be later than the current deadline ({cycle.Deadline:u}) and in the future.", pointer: "/deadline");
        }

        await client.RaiseEventAsync(InstanceIdOf(cycleId), CycleEvents.ExtendDeadline, new ExtendDeadlineEvent(deadline, caller!.Subject), cancellationToken);
        return new AcceptedResult($"/api/cycles/{cycleId}", CycleView.From(cycle with { Deadline = deadline }));
    }

    /// <summary>
    /// Computes a failed cycle's final benchmarks again (after the cause was fixed): 202, the cycle goes back to closing
    /// and then to closed, or to failed again with the new reason. Only a failed cycle can be retried (409 otherwise).
    /// </summary>
    [Function(nameof(RetryCycle))]
    public async Task<IActionResult> RetryCycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cycles/{cycleId}/retry")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (caller, failure) = await auth.AuthenticateAsync(req, AppRoles.Staff);
        if (failure is not null)
        {
            return failure;
        }

        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return CycleNotFound(cycleId);
        }

        if (cycle.Status != CycleStatus.Failed)
        {
            return Problems.Conflict(ProblemCodes.CycleNotFailed, $"Cycle '{cycleId}' is {cycle.Status.ToString().ToLowerInvariant()}, not failed; only a cycle whose closing failed can be retried.");
        }

        await client.RaiseEventAsync(InstanceIdOf(cycleId), CycleEvents.Retry, new RetryCycleEvent(caller!.Subject), cancellationToken);
        return new AcceptedResult($"/api/cycles/{cycleId}", CycleView.From(cycle with { Status = CycleStatus.Closing, FailureReason = null }));
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
        BenchmarkSummary summary;
        while (true)
        {
            try
            {
                summary = await context.CallActivityAsync<BenchmarkSummary>(
                    nameof(BenchmarkFunctions.ComputeBenchmarks),
                    new BenchmarkRequest(input.CycleId, Final: true),
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
        return new CycleOutcome(input.CycleId, reason, closedAt, summary.Respondents, summary.Rows);
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

    /// <summary>The cycle if it exists and is open; otherwise the 404 or the 409 (saying why, and what can no longer happen).</summary>
    async Task<(Cycle? Cycle, IActionResult? Problem)> OpenCycleAsync(string cycleId, string consequence, CancellationToken cancellationToken)
    {
        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return (null, CycleNotFound(cycleId));
        }

        return cycle.Status == CycleStatus.Open
            ? (cycle, null)
            : (cycle, Problems.Conflict(ProblemCodes.CycleNotOpen, $"Cycle '{cycleId}' is {cycle.Status.ToString().ToLowerInvariant()} ({cycle.ClosedReason ?? "closing"}); {consequence}."));
    }

    internal static IActionResult CycleNotFound(string cycleId) =>
        Problems.NotFound(ProblemCodes.CycleNotFound, $"There is no cycle '{cycleId}'. GET /api/cycles lists the cycles.");
}
