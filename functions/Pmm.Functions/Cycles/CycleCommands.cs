using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
using Pmm.Functions.Catalogue;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Cycles;

/// <summary>
/// What staff do to a cycle: open it (pinned to published reference versions, with its orchestration), close it,
/// extend its deadline. Each returns the cycle as it now stands, or the problem to answer.
/// </summary>
public sealed class CycleCommands(CycleStore cycles, ReferenceDataProvider reference, TimeProvider clock)
{
    public async Task<(Cycle? Cycle, IActionResult? Problem)> OpenAsync(OpenCycleRequest body, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(client);
        var now = clock.GetUtcNow();
        var problems = CycleRules.CheckOpen(body.CycleId, body.ReportingYear, body.Deadline ?? DateTimeOffset.MinValue, now);
        if (problems.Count > 0)
        {
            return (null, Problems.InvalidField(string.Join(" ", problems), errors: problems));
        }

        var catalogueVersion = body.CatalogueVersion ?? reference.DefaultCatalogue.Version;
        if (await reference.FindCatalogueAsync(catalogueVersion, cancellationToken) is null)
        {
            return (null, Problems.BadRequest(ProblemCodes.UnpublishedReferenceVersion, $"catalogueVersion '{Problems.Shown(catalogueVersion)}' is not a published catalogue version. {Routes.Show("GET", Routes.Catalogues)} lists them; staff publish one with {Routes.Show("PUT", Routes.CatalogueVersion)}. Leave the field out for the default ({reference.DefaultCatalogue.Version}).", pointer: "/catalogueVersion"));
        }

        var membersVersion = body.MembersVersion ?? reference.DefaultMembersVersion;
        if (await reference.FindMembersAsync(membersVersion, cancellationToken) is null)
        {
            return (null, Problems.BadRequest(ProblemCodes.UnpublishedReferenceVersion, $"membersVersion '{Problems.Shown(membersVersion)}' is not a published Members reference version. {Routes.Show("GET", Routes.MemberSets)} lists them; staff publish one with {Routes.Show("PUT", Routes.MemberSet)}. Leave the field out for the default ({reference.DefaultMembersVersion}).", pointer: "/membersVersion"));
        }

        var cycle = new Cycle(body.CycleId!, body.ReportingYear, body.Deadline!.Value, CycleStatus.Open, now, null, null, catalogueVersion, membersVersion);
        var instanceId = CycleFunctions.InstanceIdOf(cycle.CycleId);
        if (!await cycles.TryCreateAsync(cycle, cancellationToken))
        {
            // The row exists. If its orchestration also exists the cycle is already open (or was): 409.
            // If not, an earlier open stopped between the two steps: finish it with the stored values.
            if (await client.GetInstanceAsync(instanceId, cancellationToken) is { } existing)
            {
                return (null, Problems.Conflict(ProblemCodes.CycleExists, $"Cycle '{cycle.CycleId}' already exists (orchestration {existing.RuntimeStatus}). Use GET {Routes.Url(Routes.Cycle, cycle.CycleId)} to see it."));
            }

            cycle = (await cycles.GetAsync(cycle.CycleId, cancellationToken))!;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(CycleFunctions.CycleOrchestration),
            new CycleOrchestrationInput(cycle.CycleId, cycle.ReportingYear, cycle.Deadline),
            new StartOrchestrationOptions(instanceId),
            cancellationToken);
        return (cycle, null);
    }

    /// <summary>Asks the cycle's orchestration to close it; the cycle is then closing.</summary>
    public async Task<(Cycle? Cycle, IActionResult? Problem)> CloseAsync(string cycleId, Caller caller, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(client);
        var (found, notOpen) = await OpenCycleAsync(cycleId, "it cannot be closed again", cancellationToken);
        if (notOpen is not null)
        {
            return (null, notOpen);
        }

        await client.RaiseEventAsync(CycleFunctions.InstanceIdOf(cycleId), CycleEvents.Close, new CloseCycleEvent(caller.Subject), cancellationToken);
        return (found! with { Status = CycleStatus.Closing }, null);
    }

    /// <summary>Moves an open cycle's deadline later (never earlier, never into the past).</summary>
    public async Task<(Cycle? Cycle, IActionResult? Problem)> ExtendDeadlineAsync(string cycleId, ExtendDeadlineRequest body, Caller caller, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(client);
        var (found, notOpen) = await OpenCycleAsync(cycleId, "its deadline can no longer change", cancellationToken);
        if (notOpen is not null)
        {
            return (null, notOpen);
        }

        var cycle = found!;
        if (body.Deadline is not { } deadline || deadline <= cycle.Deadline || deadline <= clock.GetUtcNow())
        {
            return (null, Problems.InvalidField($"deadline must be later than the current deadline ({cycle.Deadline:u}) and in the future.", pointer: "/deadline"));
        }

        await client.RaiseEventAsync(CycleFunctions.InstanceIdOf(cycleId), CycleEvents.ExtendDeadline, new ExtendDeadlineEvent(deadline, caller.Subject), cancellationToken);
        return (cycle with { Deadline = deadline }, null);
    }

    /// <summary>Asks a failed cycle's orchestration to compute its final benchmarks again; the cycle is then closing.</summary>
    public async Task<(Cycle? Cycle, IActionResult? Problem)> RetryAsync(string cycleId, Caller caller, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(client);
        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return (null, NotFound(cycleId));
        }

        if (cycle.Status != CycleStatus.Failed)
        {
            return (null, Problems.Conflict(ProblemCodes.CycleNotFailed, $"Cycle '{cycleId}' is {cycle.Status.ToString().ToLowerInvariant()}, not failed; only a cycle whose closing failed can be retried."));
        }

        await client.RaiseEventAsync(CycleFunctions.InstanceIdOf(cycleId), CycleEvents.Retry, new RetryCycleEvent(caller.Subject), cancellationToken);
        return (cycle with { Status = CycleStatus.Closing, FailureReason = null }, null);
    }

    /// <summary>The cycle if it exists and is open; otherwise the 404 or the 409 (saying why, and what can no longer happen).</summary>
    async Task<(Cycle? Cycle, IActionResult? Problem)> OpenCycleAsync(string cycleId, string consequence, CancellationToken cancellationToken)
    {
        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return (null, NotFound(cycleId));
        }

        return cycle.Status == CycleStatus.Open
            ? (cycle, null)
            : (cycle, Problems.Conflict(ProblemCodes.CycleNotOpen, $"Cycle '{cycleId}' is {cycle.Status.ToString().ToLowerInvariant()} ({cycle.ClosedReason ?? "closing"}); {consequence}."));
    }

    /// <summary>404 <c>PMM-CYCLE-001</c>, with where the cycles are listed.</summary>
    public static IActionResult NotFound(string cycleId) =>
        Problems.NotFound(ProblemCodes.CycleNotFound, $"There is no cycle '{Problems.Shown(cycleId)}'. {Routes.Show("GET", Routes.Cycles)} lists the cycles.");
}
