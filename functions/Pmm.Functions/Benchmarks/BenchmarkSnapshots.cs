using Microsoft.Extensions.Options;
using Pmm.Core.Benchmarks;
using Pmm.Functions.Auth;
using Pmm.Functions.Catalogue;
using Pmm.Functions.Configuration;
using Pmm.Functions.Telemetry;
using Pmm.Storage;

namespace Pmm.Functions.Benchmarks;

/// <summary>Input of the benchmark computation: which cycle, whether the figures are final, and the snapshot's id (made by the orchestration).</summary>
public sealed record BenchmarkRequest(string CycleId, bool Final, string SnapshotId);

/// <summary>What a benchmark computation wrote.</summary>
public sealed record BenchmarkSummary(string CycleId, string SnapshotId, int Respondents, int Rows, string RowsHash);

/// <summary>
/// Computes a snapshot of a cycle's benchmarks and stores it whole (<see cref="BenchmarkStore.WriteSnapshotAsync"/>): from
/// every Member's current accepted submission, with the cycle's catalogue and Members reference set. A final snapshot is
/// checked against every snapshot of the cycle that was published (or is embargoed), rebuilt from their manifests, since
/// figures already out can be combined with the new ones.
/// </summary>
public sealed class BenchmarkSnapshots(
    CycleStore cycles,
    CurrentSubmissionStore current,
    BenchmarkStore benchmarks,
    ReferenceDataProvider reference,
    IOptions<BenchmarkOptions> options,
    TimeProvider clock)
{
    public async Task<BenchmarkSummary> ComputeAsync(BenchmarkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var measure = PmmTelemetry.MeasureBenchmarks(request.CycleId, request.Final);
        var cycle = await cycles.GetAsync(request.CycleId, cancellationToken)
            ?? throw new InvalidOperationException($"Cycle {request.CycleId} has no record.");
        var (catalogue, members, _) = await reference.ForCycleAsync(cycle, cancellationToken);
        var submissions = await current.ListCurrentAsync(request.CycleId, cancellationToken);
        var prior = request.Final ? await PriorReleasesAsync(request.CycleId, cancellationToken) : [];
        var disclosure = options.Value.Disclosure;
        var protectedAudiences = Caller.MemberAudienceIndex(BenchmarkCalculator.Audiences(catalogue)) + 1;
        var rows = BenchmarkCalculator.Compute(catalogue, members, submissions.Select(s => s.Kpis), disclosure, protectedAudiences, prior);
        var kind = request.Final ? BenchmarkKind.Final : BenchmarkKind.Provisional;
        var contributions = submissions
            .Where(s => members.ByCode.ContainsKey(s.MemberCode))
            .OrderBy(s => s.MemberCode, StringComparer.Ordinal)
            .Select(s => new SnapshotContribution(s.MemberCode, s.SubmissionId, s.ContentHash, s.Kpis.Values, s.Kpis.Disclosure ?? new Dictionary<string, string>()))
            .ToList();
        var manifest = new SnapshotManifest(
            request.CycleId,
            request.SnapshotId,
            kind,
            clock.GetUtcNow(),
            catalogue.Version,
            cycle.MembersVersion,
            BenchmarkCalculator.MethodVersion,
            disclosure.MeanThreshold,
            disclosure.QuantileThreshold,
            protectedAudiences,
            submissions.Count,
            rows.Count,
            SnapshotRows.Hash(rows),
            contributions);
        if (kind == BenchmarkKind.Provisional && await UnchangedProvisionalAsync(manifest, cancellationToken) is { } same)
        {
            return new BenchmarkSummary(request.CycleId, same.SnapshotId, same.Respondents, same.RowCount, same.RowsHash);
        }

        var record = await benchmarks.WriteSnapshotAsync(manifest, rows, cancellationToken);
        return new BenchmarkSummary(request.CycleId, record.SnapshotId, record.Respondents, record.RowCount, record.RowsHash);
    }

    /// <summary>
    /// Every final snapshot of the cycle that callers other than Staff can read or will at a release time, as the
    /// disclosure control takes it: the inputs and catalogue and Members versions of its manifest, and its stored rows.
    /// </summary>
    async Task<IReadOnlyList<PriorRelease>> PriorReleasesAsync(string cycleId, CancellationToken cancellationToken)
    {
        var prior = new List<PriorRelease>();
        foreach (var record in (await benchmarks.ListSnapshotsAsync(cycleId, cancellationToken)).Where(r => r is { Kind: BenchmarkKind.Final, State: SnapshotState.Complete } && (r.PublishedAt is not null || r.ReleaseAt is not null)))
        {
            var manifest = await benchmarks.ReadManifestAsync(cycleId, record.SnapshotId, cancellationToken)
                ?? throw new InvalidOperationException($"Published snapshot {record.SnapshotId} of cycle {cycleId} has no manifest.");
            var catalogue = await reference.FindCatalogueAsync(manifest.CatalogueVersion, cancellationToken)
                ?? throw new InvalidOperationException($"Published snapshot {record.SnapshotId} of cycle {cycleId} used catalogue {manifest.CatalogueVersion}, which is not stored.");
            var members = await reference.FindMembersAsync(manifest.MembersVersion, cancellationToken)
                ?? throw new InvalidOperationException($"Published snapshot {record.SnapshotId} of cycle {cycleId} used Members reference set {manifest.MembersVersion}, which is not stored.");
            prior.Add(new PriorRelease(catalogue, members, manifest.Inputs(), await benchmarks.ReadBenchmarksAsync(cycleId, record.SnapshotId, cancellationToken)));
        }

        return prior;
    }

    /// <summary>
    /// The current provisional snapshot when the new one would repeat it (same rows, same submissions counted): the
    /// timer runs every few minutes, and a snapshot per tick of an unchanged cycle would only fill the history.
    /// </summary>
    async Task<SnapshotRecord?> UnchangedProvisionalAsync(SnapshotManifest manifest, CancellationToken cancellationToken)
    {
        if (await benchmarks.GetCurrentAsync(manifest.CycleId, SnapshotPointers.Provisional, cancellationToken) is not { } current
            || current.RowsHash != manifest.RowsHash || current.Respondents != manifest.Respondents
            || current.CatalogueVersion != manifest.CatalogueVersion || current.MembersVersion != manifest.MembersVersion
            || current.MethodVersion != manifest.MethodVersion || current.MeanThreshold != manifest.MeanThreshold || current.QuantileThreshold != manifest.QuantileThreshold)
        {
            return null;
        }

        var previous = await benchmarks.ReadManifestAsync(manifest.CycleId, current.SnapshotId, cancellationToken);
        return previous is not null && previous.Members.Select(m => (m.MemberCode, m.SubmissionId)).SequenceEqual(manifest.Members.Select(m => (m.MemberCode, m.SubmissionId)))
            ? current
            : null;
    }
}
