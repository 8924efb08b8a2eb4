using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Pmm.Core.Benchmarks;
using Pmm.Core.Catalogue;
using Pmm.Core.Cycles;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>The storage layer against Azurite.</summary>
public class StorageTests : IAsyncLifetime
{
    readonly PmmStorage storage = new(new BlobServiceClient(TestStorage.ConnectionString), new TableServiceClient(TestStorage.ConnectionString));

    public Task InitializeAsync() => storage.EnsureCreatedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    static SubmissionRecord Record(string cycle, string id, string hash = "h1") =>
        new(cycle, "KEN", id, SubmissionStatus.Received, DateTimeOffset.UtcNow, hash, "text/csv", 3, "dev");

    /// <summary>An upload of Member KEN whose content (and content hash) is <paramref name="hash"/>.</summary>
    static Task<ReceivedVersion> ReceiveAsync(SubmissionStore submissions, string cycle, string hash) =>
        submissions.ReceiveAsync(Record(cycle, SubmissionStore.NewSubmissionId(DateTimeOffset.UtcNow), hash), System.Text.Encoding.UTF8.GetBytes(hash));

    // Opening the same cycle twice is refused by the table, atomically.
    [Fact]
    public async Task CycleStore_CreateTwice_SecondRefused()
    {
        var cycles = new CycleStore(storage);
        var cycle = new Cycle(TestStorage.Unique("c"), 2025, DateTimeOffset.UtcNow.AddDays(1), CycleStatus.Open, DateTimeOffset.UtcNow, null, null, "2026.1-a", "2026.1-b");

        Assert.True(await cycles.TryCreateAsync(cycle));
        Assert.False(await cycles.TryCreateAsync(cycle with { ReportingYear = 2024 }));
        Assert.Equal(2025, (await cycles.GetAsync(cycle.CycleId))!.ReportingYear);

        await cycles.SetStatusAsync(cycle.CycleId, CycleStatus.Closed, DateTimeOffset.UtcNow, "deadline passed");
        var closed = (await cycles.GetAsync(cycle.CycleId))!;
        Assert.Equal((CycleStatus.Closed, "deadline passed"), (closed.Status, closed.ClosedReason));
    }

    // A cycle keeps the versions it is pinned to; a row written before pinning existed reads as the embedded versions.
    [Fact]
    public async Task CycleStore_PinnedVersions_StoredAndLegacyRowsReadAsEmbedded()
    {
        var cycles = new CycleStore(storage);
        var pinned = new Cycle(TestStorage.Unique("c"), 2025, DateTimeOffset.UtcNow.AddDays(1), CycleStatus.Open, DateTimeOffset.UtcNow, null, null, "2027.1", "2027.1-members");
        await cycles.TryCreateAsync(pinned);
        var legacyId = TestStorage.Unique("c");
        await storage.Cycles.AddEntityAsync(new TableEntity("cycle", legacyId)
        {
            ["ReportingYear"] = 2025,
            ["Deadline"] = DateTimeOffset.UtcNow.AddDays(1),
            ["Status"] = nameof(CycleStatus.Open),
            ["OpenedAt"] = DateTimeOffset.UtcNow,
        });

        var read = (await cycles.GetAsync(pinned.CycleId))!;
        var legacy = (await cycles.GetAsync(legacyId))!;

        Assert.Equal(("2027.1", "2027.1-members"), (read.CatalogueVersion, read.MembersVersion));
        Assert.Equal((KpiCatalogue.Embedded.Version, MemberDirectory.Embedded.Version), (legacy.CatalogueVersion, legacy.MembersVersion));
    }

    // A reference version is written once: a second write under the same version is refused and the first document stays; listing shows it with its hash.
    [Theory]
    [InlineData(ReferenceKind.Catalogue)]
    [InlineData(ReferenceKind.Members)]
    public async Task ReferenceStore_Version_WrittenOnceReadAndListed(ReferenceKind kind)
    {
        var store = new ReferenceStore(storage);
        var version = TestStorage.Unique("2027.1");
        var first = """{ "version": "v", "note": "first" }"""u8.ToArray();

        Assert.True(await store.TryAddAsync(kind, version, first, "staff one"));
        Assert.False(await store.TryAddAsync(kind, version, """{ "version": "v", "note": "second" }"""u8.ToArray(), "staff two"));

        Assert.Equal(first, (await store.GetAsync(kind, version))!.ToArray());
        Assert.Null(await store.GetAsync(kind, version + "-none"));
        var listed = Assert.Single(await store.ListAsync(kind), v => v.Version == version);
        Assert.Equal(("staff one", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(first))), (listed.StoredBy, listed.Sha256));
        Assert.DoesNotContain(await store.ListAsync(kind == ReferenceKind.Catalogue ? ReferenceKind.Members : ReferenceKind.Catalogue), v => v.Version == version);
    }

    // Original bytes are written once: a second write to the same submission is refused and the first bytes stay.
    [Fact]
    public async Task SubmissionStore_Original_IsNeverOverwritten()
    {
        var submissions = new SubmissionStore(storage, TimeProvider.System);
        var record = Record(TestStorage.Unique("c"), Guid.CreateVersion7().ToString("N"));
        await submissions.StoreOriginalAsync(record, new MemoryStream("abc"u8.ToArray()));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => submissions.StoreOriginalAsync(record, new MemoryStream("xyz"u8.ToArray())));

        Assert.Equal(409, ex.Status);
        Assert.Equal("abc", (await submissions.ReadOriginalAsync(record)).ToString());
    }

    // Content identical to the latest version is that version; A, B, then A again makes a third version, the new latest.
    [Fact]
    public async Task SubmissionStore_Receive_SameAsLatestIsLatestOlderIsNewVersion()
    {
        var submissions = new SubmissionStore(storage, TimeProvider.System);
        var cycle = TestStorage.Unique("c");

        var a = await ReceiveAsync(submissions, cycle, "hash-a");
        var aAgain = await ReceiveAsync(submissions, cycle, "hash-a");
        var b = await ReceiveAsync(submissions, cycle, "hash-b");
        var aLater = await ReceiveAsync(submissions, cycle, "hash-a");
        var aLaterAgain = await ReceiveAsync(submissions, cycle, "hash-a");

        Assert.Equal((true, false, true, true, false), (a.Created, aAgain.Created, b.Created, aLater.Created, aLaterAgain.Created));
        Assert.Equal(a.Record.SubmissionId, aAgain.Record.SubmissionId);
        Assert.Equal(aLater.Record.SubmissionId, aLaterAgain.Record.SubmissionId);
        Assert.Equal(
            [a.Record.SubmissionId, b.Record.SubmissionId, aLater.Record.SubmissionId],
            (await submissions.ListAsync(cycle, "KEN")).Select(r => r.SubmissionId));
        Assert.Equal("hash-a", (await submissions.ReadOriginalAsync(aLater.Record)).ToString());
    }

    // A version the server failed on (PMM-SYS-001) is not the same submission as the same content sent again.
    [Fact]
    public async Task SubmissionStore_Receive_AfterSystemErrorIsNewVersion()
    {
        var submissions = new SubmissionStore(storage, TimeProvider.System);
        var cycle = TestStorage.Unique("c");
        var failed = await ReceiveAsync(submissions, cycle, "hash-a");
        await submissions.SetVerdictAsync(failed.Record, SubmissionStatus.Rejected, 1, 0, DateTimeOffset.UtcNow, systemError: true);

        var again = await ReceiveAsync(submissions, cycle, "hash-a");
        var onceMore = await ReceiveAsync(submissions, cycle, "hash-a");

        Assert.True(again.Created);
        Assert.NotEqual(failed.Record.SubmissionId, again.Record.SubmissionId);
        Assert.Equal((false, again.Record.SubmissionId), (onceMore.Created, onceMore.Record.SubmissionId));
        Assert.True((await submissions.GetAsync(cycle, "KEN", failed.Record.SubmissionId))!.SystemError);
    }

    // Ten identical uploads at once: one version and one original stored, every caller gets that version.
    [Fact]
    public async Task SubmissionStore_Receive_TenIdenticalConcurrently_OneVersion()
    {
        var submissions = new SubmissionStore(storage, TimeProvider.System);
        var cycle = TestStorage.Unique("c");

        var received = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => ReceiveAsync(submissions, cycle, "hash-a"))));

        var created = Assert.Single(received, r => r.Created);
        Assert.All(received, r => Assert.Equal(created.Record.SubmissionId, r.Record.SubmissionId));
        Assert.Single(await submissions.ListAsync(cycle, "KEN"));
        var originals = new List<string>();
        await foreach (var blob in storage.Submissions.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{cycle}/KEN/", CancellationToken.None))
        {
            originals.Add(blob.Name);
        }

        Assert.Equal([created.Record.BlobName], originals);
    }

    // Different contents racing: each is a version, and the one that ends up latest also has the newest id (so it is the one promoted).
    [Fact]
    public async Task SubmissionStore_Receive_ConcurrentDifferentContents_LatestHasNewestId()
    {
        var submissions = new SubmissionStore(storage, TimeProvider.System);
        var cycle = TestStorage.Unique("c");
        var early = DateTimeOffset.UtcNow.AddSeconds(-5);

        var received = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => submissions.ReceiveAsync(
            new SubmissionRecord(cycle, "KEN", SubmissionStore.NewSubmissionId(early), SubmissionStatus.Received, early, $"hash-{i}", "text/csv", 6, "dev"),
            System.Text.Encoding.UTF8.GetBytes($"hash-{i}")))));

        Assert.All(received, r => Assert.True(r.Created));
        var versions = await submissions.ListAsync(cycle, "KEN");
        Assert.Equal(6, versions.Select(v => v.ContentHash).Distinct().Count());
        var latest = await ReceiveAsync(submissions, cycle, versions[^1].ContentHash);
        Assert.Equal((false, versions[^1].SubmissionId), (latest.Created, latest.Record.SubmissionId));
    }

    // A latest row naming a version that has no record (written by hand: the store writes both in one transaction) blocks nothing.
    [Fact]
    public async Task SubmissionStore_Receive_LatestWithoutRecord_TreatedAsAbsent()
    {
        var submissions = new SubmissionStore(storage, TimeProvider.System);
        var cycle = TestStorage.Unique("c");
        await storage.SubmissionsTable.AddEntityAsync(new TableEntity(SubmissionStore.PartitionOf(cycle, "KEN"), SubmissionStore.LatestRowKey)
        {
            ["SubmissionId"] = SubmissionStore.NewSubmissionId(DateTimeOffset.UtcNow.AddSeconds(-1)),
            ["ContentHash"] = "hash-a",
        });

        var received = await ReceiveAsync(submissions, cycle, "hash-a");

        Assert.True(received.Created);
        Assert.Equal(received.Record.SubmissionId, Assert.Single(await submissions.ListAsync(cycle, "KEN")).SubmissionId);
        Assert.False((await ReceiveAsync(submissions, cycle, "hash-a")).Created);
    }

    // A partition written before the latest row existed: its newest version counts as the latest.
    [Fact]
    public async Task SubmissionStore_Receive_PartitionWithoutLatestRow_NewestVersionIsLatest()
    {
        var submissions = new SubmissionStore(storage, TimeProvider.System);
        var cycle = TestStorage.Unique("c");
        foreach (var (hash, ageSeconds) in new[] { ("hash-a", 20), ("hash-b", 10) })
        {
            await storage.SubmissionsTable.AddEntityAsync(new TableEntity(SubmissionStore.PartitionOf(cycle, "KEN"), SubmissionStore.NewSubmissionId(DateTimeOffset.UtcNow.AddSeconds(-ageSeconds)))
            {
                ["CycleId"] = cycle,
                ["MemberCode"] = "KEN",
                ["Status"] = nameof(SubmissionStatus.Accepted),
                ["ContentHash"] = hash,
                ["ContentType"] = "text/csv",
                ["UploadedBy"] = "dev",
            });
        }

        var b = await ReceiveAsync(submissions, cycle, "hash-b");
        var a = await ReceiveAsync(submissions, cycle, "hash-a");

        Assert.False(b.Created);
        Assert.True(a.Created);
        Assert.Equal(3, (await submissions.ListAsync(cycle, "KEN")).Count);
    }

    // Starting a found version's validation is claimed once, and only when its receiver has had time to start it.
    [Fact]
    public async Task SubmissionStore_ClaimValidationStart_OnlyWhenStaleAndOnce()
    {
        var submissions = new SubmissionStore(storage, TimeProvider.System);
        var receivedAt = DateTimeOffset.UtcNow;
        var record = (await submissions.ReceiveAsync(Record(TestStorage.Unique("c"), SubmissionStore.NewSubmissionId(receivedAt)) with { ReceivedAt = receivedAt }, "h1"u8.ToArray())).Record;

        var whileFresh = await submissions.TryClaimValidationStartAsync(record, receivedAt.AddSeconds(1), receivedAt.AddSeconds(-59));
        var claims = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => submissions.TryClaimValidationStartAsync(record, receivedAt.AddMinutes(2), receivedAt.AddMinutes(1))));
        var afterClaim = await submissions.TryClaimValidationStartAsync(record, receivedAt.AddMinutes(2), receivedAt.AddMinutes(1));
        await submissions.SetStatusAsync(record, SubmissionStatus.Validating);
        var whileValidating = await submissions.TryClaimValidationStartAsync(record, receivedAt.AddHours(1), receivedAt.AddMinutes(59));

        Assert.False(whileFresh);
        Assert.Single(claims, c => c);
        Assert.False(afterClaim);
        Assert.False(whileValidating);
    }

    // The verdict and its findings are stored together and read back.
    [Fact]
    public async Task SubmissionStore_SaveResult_RoundTrips()
    {
        var submissions = new SubmissionStore(storage, TimeProvider.System);
        var record = (await ReceiveAsync(submissions, TestStorage.Unique("c"), "h1")).Record;
        var result = new ValidationResult(ValidationStatus.Rejected, [new Finding(RuleIds.NotANumber, Severity.Error, "m", "h", "DECL_TOTAL", "line 3, column 3", 3, 3, "x", "a number")], new Dictionary<string, decimal>(), 1);

        await submissions.SaveResultAsync(record, result);
        await submissions.SetVerdictAsync(record, SubmissionStatus.Rejected, 1, 0, DateTimeOffset.UtcNow);

        var stored = (await submissions.GetAsync(record.CycleId, "KEN", record.SubmissionId))!;
        Assert.Equal((SubmissionStatus.Rejected, 1), (stored.Status, stored.Errors));
        var read = (await submissions.GetResultAsync(stored))!;
        Assert.Equal(result.Findings[0], read.Findings[0]);
    }

    // An older submission finishing validation after a newer one does not replace it as current.
    [Fact]
    public async Task CurrentSubmissionStore_OlderAfterNewer_KeepsNewer()
    {
        var current = new CurrentSubmissionStore(storage);
        var cycle = TestStorage.Unique("c");
        var older = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddSeconds(-5)).ToString("N");
        var newer = Guid.CreateVersion7().ToString("N");

        Assert.True(await current.PromoteAsync(cycle, "KEN", newer, new Dictionary<string, decimal> { ["TF-01"] = 2 }, new Dictionary<string, string> { ["TF-01"] = "wco" }, DateTimeOffset.UtcNow, new Dictionary<string, decimal> { ["DECL_TOTAL"] = 1000.5m }));
        Assert.False(await current.PromoteAsync(cycle, "KEN", older, new Dictionary<string, decimal> { ["TF-01"] = 1 }, null, DateTimeOffset.UtcNow));

        var row = Assert.Single(await current.ListAsync(cycle));
        Assert.Equal(2m, row.Values["TF-01"]);
        Assert.Equal("wco", row.Disclosure!["TF-01"]);
        Assert.Equal(1000.5m, row.Items["DECL_TOTAL"]);
        Assert.Equal(newer, await current.GetCurrentIdAsync(cycle, "KEN"));
    }
}
