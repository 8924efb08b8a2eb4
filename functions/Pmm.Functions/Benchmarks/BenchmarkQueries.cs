using Microsoft.AspNetCore.Mvc;
using Pmm.Core.Benchmarks;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
using Pmm.Functions.Catalogue;
using Pmm.Functions.Cycles;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Benchmarks;

/// <summary>Which snapshot a benchmark read asks for: <c>?status=</c>.</summary>
public enum BenchmarkStatus
{
    Provisional,
    Final,
    Published,
}

/// <summary>One audience's rows of one whole snapshot.</summary>
public sealed record BenchmarkTable(string CycleId, SnapshotRecord Snapshot, string Audience, IReadOnlyList<BenchmarkRow> Rows);

/// <summary>
/// Reads benchmarks for a caller. Which snapshot: Members and Readers read the cycle's published one only (provisional
/// figures change one submission at a time, and final ones are Staff's until published); Staff read any, by default the
/// current final once the cycle is closed and the current provisional before. Which audience: at most the caller's,
/// by default the caller's. The snapshot is resolved through its pointer first and then read whole.
/// </summary>
public sealed class BenchmarkQueries(CycleStore cycles, BenchmarkStore benchmarks, ReferenceDataProvider reference)
{
    public async Task<(BenchmarkTable? Table, IActionResult? Problem)> ReadAsync(string cycleId, Caller caller, string? audienceAsked, string? statusAsked, string? snapshotAsked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return (null, CycleCommands.NotFound(cycleId));
        }

        var catalogue = (await reference.ForCycleAsync(cycle, cancellationToken)).Catalogue;
        var levels = BenchmarkCalculator.Audiences(catalogue);
        var allowed = caller.AudienceIndex(levels);
        var audience = levels[allowed];
        if (audienceAsked is { Length: > 0 })
        {
            var index = levels.ToList().FindIndex(l => string.Equals(l, audienceAsked, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return (null, Problems.InvalidField($"audience must be one of {string.Join(", ", levels)}, not '{Problems.Shown(audienceAsked)}'.", pointer: "?audience"));
            }

            if (index > allowed)
            {
                return (null, Problems.Forbidden(ProblemCodes.AudienceNotAllowed, $"Your role may read benchmarks up to the '{levels[allowed]}' audience, not '{levels[index]}'."));
            }

            audience = levels[index];
        }

        var (snapshot, problem) = snapshotAsked is { Length: > 0 }
            ? await SnapshotByIdAsync(cycleId, caller, snapshotAsked, cancellationToken)
            : await CurrentSnapshotAsync(cycle, caller, statusAsked, cancellationToken);
        return problem is not null
            ? (null, problem)
            : (new BenchmarkTable(cycleId, snapshot!, audience, await benchmarks.ReadRowsAsync(cycleId, snapshot!.SnapshotId, audience, cancellationToken)), null);
    }

    async Task<(SnapshotRecord? Snapshot, IActionResult? Problem)> SnapshotByIdAsync(string cycleId, Caller caller, string snapshotId, CancellationToken cancellationToken)
    {
        if (!caller.IsStaff)
        {
            return (null, StaffOnly("Snapshots read by id (?snapshot=)"));
        }

        return await benchmarks.GetSnapshotAsync(cycleId, snapshotId, cancellationToken) is { State: SnapshotState.Complete } record
            ? (record, null)
            : (null, SnapshotNotFound(cycleId, snapshotId, "?snapshot"));
    }

    async Task<(SnapshotRecord? Snapshot, IActionResult? Problem)> CurrentSnapshotAsync(Cycle cycle, Caller caller, string? statusAsked, CancellationToken cancellationToken)
    {
        BenchmarkStatus status;
        if (statusAsked is not { Length: > 0 })
        {
            status = !caller.IsStaff ? BenchmarkStatus.Published : cycle.Status == CycleStatus.Closed ? BenchmarkStatus.Final : BenchmarkStatus.Provisional;
        }
        else if (!EnumNames.TryParse(statusAsked, out status))
        {
            return (null, Problems.InvalidField($"status must be {EnumNames.List<BenchmarkStatus>()}, not '{Problems.Shown(statusAsked)}'.", pointer: "?status"));
        }

        if (!caller.IsStaff && status != BenchmarkStatus.Published)
        {
            return (null, StaffOnly(status == BenchmarkStatus.Provisional ? "Provisional benchmarks" : "Final benchmarks before they are published"));
        }

        var pointer = status switch
        {
            BenchmarkStatus.Provisional => SnapshotPointers.Provisional,
            BenchmarkStatus.Final => SnapshotPointers.Final,
            _ => SnapshotPointers.Published,
        };
        if (await benchmarks.GetCurrentAsync(cycle.CycleId, pointer, cancellationToken) is { } record)
        {
            return (record, null);
        }

        var why = status switch
        {
            BenchmarkStatus.Published => $"Benchmarks of cycle '{cycle.CycleId}' are not published yet; the WCO Secretariat publishes them after the cycle closes.",
            BenchmarkStatus.Final => $"Cycle '{cycle.CycleId}' has no final benchmarks yet; they are computed when it closes.",
            _ => $"Cycle '{cycle.CycleId}' has no provisional benchmarks yet; they are computed every few minutes while it is open.",
        };
        return (null, Problems.NotFound(ProblemCodes.NoSnapshot, why));
    }

    /// <summary>404 <c>PMM-SNAP-001</c>: no complete snapshot of that id in the cycle.</summary>
    public static IActionResult SnapshotNotFound(string cycleId, string snapshotId, string pointer) =>
        Problems.Create(404, ProblemCodes.SnapshotNotFound, "Not found.", $"Cycle '{Problems.Shown(cycleId)}' has no complete snapshot '{Problems.Shown(snapshotId)}'. {Routes.Show("GET", Routes.CycleSnapshots)} lists them.", pointer);

    static ObjectResult StaffOnly(string what) =>
        Problems.Forbidden(ProblemCodes.UnpublishedBenchmarks, $"{what} are for WCO staff only. Read the published benchmarks: leave ?status out, or ask for ?status=published.");
}
