using Microsoft.AspNetCore.Mvc;
using Pmm.Core.Benchmarks;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
using Pmm.Functions.Catalogue;
using Pmm.Functions.Cycles;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Benchmarks;

/// <summary>A cycle's benchmark rows for one audience, final or provisional.</summary>
public sealed record BenchmarkTable(string CycleId, BenchmarkKind Kind, string Audience, IReadOnlyList<BenchmarkRow> Rows);

/// <summary>
/// Reads benchmarks for a caller: which audience (at most the caller's, by default the caller's) and which kind
/// (by default final once the cycle is closed, provisional before).
/// </summary>
public sealed class BenchmarkQueries(CycleStore cycles, BenchmarkStore benchmarks, ReferenceDataProvider reference)
{
    public async Task<(BenchmarkTable? Table, IActionResult? Problem)> ReadAsync(string cycleId, Caller caller, string? audienceAsked, string? statusAsked, CancellationToken cancellationToken)
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

        BenchmarkKind kind;
        if (statusAsked is not { Length: > 0 })
        {
            kind = cycle.Status == CycleStatus.Closed ? BenchmarkKind.Final : BenchmarkKind.Provisional;
        }
        else if (!EnumNames.TryParse(statusAsked, out kind))
        {
            return (null, Problems.InvalidField($"status must be {EnumNames.List<BenchmarkKind>()}, not '{Problems.Shown(statusAsked)}'.", pointer: "?status"));
        }

        return (new BenchmarkTable(cycleId, kind, audience, await benchmarks.ReadAsync(cycleId, kind, audience, cancellationToken)), null);
    }
}
