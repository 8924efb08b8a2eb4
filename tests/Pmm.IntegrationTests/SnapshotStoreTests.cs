using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Pmm.Core.Benchmarks;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>Benchmark snapshots on Azurite: whole, immutable, pointed at last, typed as the contract says.</summary>
public class SnapshotStoreTests : IAsyncLifetime
{
    readonly PmmStorage storage = new(new BlobServiceClient(TestStorage.ConnectionString), new TableServiceClient(TestStorage.ConnectionString));

    BenchmarkStore Store => new(storage);

    public Task InitializeAsync() => storage.EnsureCreatedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    internal static Benchmark Row(string kpi, double? mean, string audience = BenchmarkCalculator.AllAudience, int? n = 5) =>
        mean is null
            ? new(kpi, BenchmarkScopes.Global, BenchmarkScopes.AllGroup, audience, null, null, null, null, null, Confidentiality.Primary, SuppressionReasons.BelowThreshold)
            : new(kpi, BenchmarkScopes.Global, BenchmarkScopes.AllGroup, audience, n, mean, mean - 1, mean, mean + 1, Confidentiality.Free, null);

    static int sequence;

    /// <summary>A manifest for <paramref name="rows"/>; ids made as the orchestration makes them, later ones later.</summary>
    internal static SnapshotManifest Manifest(string cycleId, BenchmarkKind kind, List<Benchmark> rows, int respondents = 5)
    {
        var at = DateTime.UtcNow.AddMilliseconds(Interlocked.Increment(ref sequence));
        return new(cycleId, BenchmarkStore.NewSnapshotId(kind, at, Guid.NewGuid()), kind, at, "2026.1", "2026.1", BenchmarkCalculator.MethodVersion, 5, 10, 2, respondents, rows.Count, SnapshotRows.Hash(rows),
            [new SnapshotContribution("KEN", "0001", "abc", new Dictionary<string, decimal> { ["TF-01"] = 97.5m }, new Dictionary<string, string> { ["TF-01"] = "wco" })]);
    }

    // A complete snapshot is what the pointer names; its rows read back per audience, more than one batch's worth (100).
    [Fact]
    public async Task WriteSnapshot_ManyRowsAndAudiences_PointerNamesItWhole()
    {
        var cycle = TestStorage.Unique("s");
        List<Benchmark> rows = [.. Enumerable.Range(0, 150).SelectMany(i => new[] { Row($"K{i:000}", i, "public"), Row($"K{i:000}", i + 0.5, "wco") })];
        var manifest = Manifest(cycle, BenchmarkKind.Final, rows);

        var record = await Store.WriteSnapshotAsync(manifest, rows);

        Assert.Equal((SnapshotState.Complete, 300, manifest.RowsHash), (record.State, record.RowCount, record.RowsHash));
        Assert.Equal(manifest.SnapshotId, await Store.GetPointerAsync(cycle, SnapshotPointers.Final));
        Assert.Null(await Store.GetPointerAsync(cycle, SnapshotPointers.Provisional));
        var wco = await Store.ReadRowsAsync(cycle, manifest.SnapshotId, "wco");
        Assert.Equal(150, wco.Count);
        Assert.All(wco, r => Assert.Equal(("wco", "final", manifest.SnapshotId), (r.Audience, r.Status, r.SnapshotId)));
        Assert.Equal(manifest.RowsHash, SnapshotRows.Hash(await Store.ReadBenchmarksAsync(cycle, manifest.SnapshotId)));
    }

    // A snapshot whose rows are written but which never completed (a crash before the pointer moved) is invisible:
    // readers keep getting the previous whole snapshot; once completed, the pointer moves and the old one stays in history.
    [Fact]
    public async Task WriteRowsOnly_CrashBeforeComplete_ReadersKeepPreviousSnapshot()
    {
        var cycle = TestStorage.Unique("s");
        List<Benchmark> before = [Row("A", 1), Row("B", 2)];
        var first = Manifest(cycle, BenchmarkKind.Final, before);
        await Store.WriteSnapshotAsync(first, before);
        List<Benchmark> after = [Row("A", 7), Row("B", 8), Row("C", 9)];
        var second = Manifest(cycle, BenchmarkKind.Final, after);

        await Store.WriteRowsAsync(second, after);

        var current = await Store.GetCurrentAsync(cycle, SnapshotPointers.Final);
        Assert.Equal(first.SnapshotId, current!.SnapshotId);
        Assert.Equal([1.0, 2.0], (await Store.ReadRowsAsync(cycle, current.SnapshotId)).Select(r => r.Mean!.Value).Order());

        await Store.WriteSnapshotAsync(second, after);

        Assert.Equal(second.SnapshotId, (await Store.GetCurrentAsync(cycle, SnapshotPointers.Final))!.SnapshotId);
        Assert.Equal(3, (await Store.ReadRowsAsync(cycle, second.SnapshotId)).Count);
        Assert.Equal([first.SnapshotId, second.SnapshotId], (await Store.ListSnapshotsAsync(cycle)).Select(s => s.SnapshotId).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await Store.ReadRowsAsync(cycle, first.SnapshotId)).Count);
    }

    // An activity retried with the same snapshot id rewrites the same partition: rows of the failed attempt that the
    // retry no longer has are gone, and a complete snapshot is never rewritten.
    [Fact]
    public async Task WriteSnapshot_RetriedSameId_IdempotentAndImmutableOnceComplete()
    {
        var cycle = TestStorage.Unique("s");
        List<Benchmark> attempt = [Row("A", 1), Row("STALE", 2)];
        List<Benchmark> rows = [Row("A", 1)];
        var manifest = Manifest(cycle, BenchmarkKind.Provisional, rows);
        await Store.WriteRowsAsync(manifest, attempt);

        await Store.WriteSnapshotAsync(manifest, rows);
        await Store.WriteSnapshotAsync(manifest, [Row("A", 100)]);

        var stored = await Store.ReadBenchmarksAsync(cycle, manifest.SnapshotId);
        Assert.Equal(1.0, Assert.Single(stored).Mean);
        Assert.Equal(manifest.RowsHash, SnapshotRows.Hash(stored));
        Assert.Equal(manifest.SnapshotId, await Store.GetPointerAsync(cycle, SnapshotPointers.Provisional));
    }

    // Two computations finishing out of order never move the pointer back to the older snapshot.
    [Fact]
    public async Task WriteSnapshot_OlderFinishesLast_PointerKeepsNewer()
    {
        var cycle = TestStorage.Unique("s");
        List<Benchmark> rows = [Row("A", 1)];
        var older = Manifest(cycle, BenchmarkKind.Final, rows);
        var newer = Manifest(cycle, BenchmarkKind.Final, rows);

        await Store.WriteSnapshotAsync(newer, rows);
        await Store.WriteSnapshotAsync(older, rows);

        Assert.Equal(newer.SnapshotId, await Store.GetPointerAsync(cycle, SnapshotPointers.Final));
    }

    // Every statistic is Edm.Double on every row, whole numbers included (untyped, the service stores a mean of 60 as
    // Edm.Int32), N is Edm.Int32, and a suppressed row has no N and no statistic.
    [Fact]
    public async Task WriteRows_WholeNumberStatistics_StoredAsEdmDouble()
    {
        var cycle = TestStorage.Unique("s");
        List<Benchmark> rows = [Row("WHOLE", 60), Row("HIDDEN", null)];
        var manifest = Manifest(cycle, BenchmarkKind.Final, rows);

        await Store.WriteSnapshotAsync(manifest, rows);

        var partition = BenchmarkStore.PartitionOf(cycle, manifest.SnapshotId);
        var whole = await storage.Benchmarks.GetEntityAsync<TableEntity>(partition, $"{BenchmarkCalculator.AllAudience}~WHOLE~global~all");
        var raw = whole.GetRawResponse().Content.ToString();
        foreach (var column in new[] { "Mean", "Q1", "Median", "Q3" })
        {
            Assert.IsType<double>(whole.Value[column]);
            // The service marks a double either with a type annotation or, in minimal metadata, a decimal point (60.0); an Edm.Int32 is a bare 60.
            Assert.Matches($"\"{column}@odata.type\":\"Edm.Double\"|\"{column}\":[0-9]+\\.[0-9]", raw);
        }

        Assert.IsType<int>(whole.Value["N"]);
        var hidden = (await storage.Benchmarks.GetEntityAsync<TableEntity>(partition, $"{BenchmarkCalculator.AllAudience}~HIDDEN~global~all")).Value;
        Assert.False(hidden.ContainsKey("N") || hidden.ContainsKey("Mean") || hidden.ContainsKey("Median"));
        Assert.Equal((true, Confidentiality.Primary, SuppressionReasons.BelowThreshold), (hidden.GetBoolean("Suppressed"), hidden.GetString("Confidentiality"), hidden.GetString("Reason")));
    }

    // The manifest keeps the lineage and the inputs, so a later computation can rebuild what was published.
    [Fact]
    public async Task Manifest_RoundTrip_KeepsLineageAndInputs()
    {
        var cycle = TestStorage.Unique("s");
        List<Benchmark> rows = [Row("A", 1)];
        var manifest = Manifest(cycle, BenchmarkKind.Final, rows);
        await Store.WriteSnapshotAsync(manifest, rows);

        var read = (await Store.ReadManifestAsync(cycle, manifest.SnapshotId))!;

        Assert.Equal((manifest.RowsHash, manifest.MethodVersion, manifest.Kind, 5, 10), (read.RowsHash, read.MethodVersion, read.Kind, read.MeanThreshold, read.QuantileThreshold));
        var member = Assert.Single(read.Members);
        Assert.Equal(("KEN", "0001", "abc", 97.5m, "wco"), (member.MemberCode, member.SubmissionId, member.ContentHash, member.KpiValues["TF-01"], member.Disclosure["TF-01"]));
        Assert.Equal(97.5m, Assert.Single(read.Inputs()).Values["TF-01"]);
    }

    // Publishing moves the published pointer and records when; an embargo waits in its own entity until released;
    // publishing an older snapshot after a newer one leaves the newer one published.
    [Fact]
    public async Task Publish_EmbargoThenRelease_PointerAndState()
    {
        var cycle = TestStorage.Unique("s");
        List<Benchmark> rows = [Row("A", 1)];
        var first = Manifest(cycle, BenchmarkKind.Final, rows);
        var second = Manifest(cycle, BenchmarkKind.Final, rows);
        await Store.WriteSnapshotAsync(first, rows);
        await Store.WriteSnapshotAsync(second, rows);
        var releaseAt = DateTimeOffset.UtcNow.AddHours(1);

        await Store.ScheduleAsync(cycle, second.SnapshotId, releaseAt);

        var embargoed = await Store.GetPublicationAsync(cycle);
        Assert.Equal((null, second.SnapshotId), (embargoed.SnapshotId, embargoed.EmbargoedSnapshotId));
        Assert.Null(await Store.GetCurrentAsync(cycle, SnapshotPointers.Published));

        Assert.True(await Store.PublishAsync(cycle, second.SnapshotId, DateTimeOffset.UtcNow));
        Assert.False(await Store.PublishAsync(cycle, first.SnapshotId, DateTimeOffset.UtcNow));

        var published = await Store.GetPublicationAsync(cycle);
        Assert.Equal((second.SnapshotId, null), (published.SnapshotId, published.EmbargoedSnapshotId));
        Assert.NotNull(published.PublishedAt);
        Assert.Equal(second.SnapshotId, (await Store.GetCurrentAsync(cycle, SnapshotPointers.Published))!.SnapshotId);
        Assert.NotNull((await Store.GetSnapshotAsync(cycle, second.SnapshotId))!.PublishedAt);
    }
}
