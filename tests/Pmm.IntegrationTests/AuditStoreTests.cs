using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Pmm.Core.Audit;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>The audit trail's storage contract, against Azurite.</summary>
public sealed class AuditStoreTests : IAsyncLifetime
{
    readonly PmmStorage storage = new(new BlobServiceClient(TestStorage.ConnectionString), new TableServiceClient(TestStorage.ConnectionString));

    public Task InitializeAsync() => storage.EnsureCreatedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    // Recording the same event key twice (an activity retried after a crash) keeps one entry, the first.
    [Fact]
    public async Task RecordAsync_SameKeyTwice_KeepsFirstEntry()
    {
        var store = new AuditStore(storage);
        var cycleId = $"audit{Guid.NewGuid():N}"[..20];
        var at = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        var first = new AuditEvent(cycleId, AuditEvent.Key("verdict", "s1"), AuditAction.Verdict, at, AuditEvent.SystemActor, "KEN", null, new Dictionary<string, string> { ["status"] = "Accepted" });

        Assert.True(await store.RecordAsync(first));
        Assert.False(await store.RecordAsync(first with { At = at.AddMinutes(1), Details = new Dictionary<string, string> { ["status"] = "Rejected" } }));

        var trail = await store.ListAsync(cycleId);
        var entry = Assert.Single(trail);
        Assert.Equal(at, entry.At);
        Assert.Equal("Accepted", entry.Details!["status"]);
    }

    // A Member's trail holds its events only, oldest first.
    [Fact]
    public async Task ListAsync_ByMember_OldestFirstAndOnlyThatMember()
    {
        var store = new AuditStore(storage);
        var cycleId = $"audit{Guid.NewGuid():N}"[..20];
        var at = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        await store.RecordAsync(new AuditEvent(cycleId, "b", AuditAction.UploadReceived, at.AddMinutes(2), "ncp-ken", "KEN"));
        await store.RecordAsync(new AuditEvent(cycleId, "a", AuditAction.UploadReceived, at.AddMinutes(1), "ncp-uga", "UGA"));
        await store.RecordAsync(new AuditEvent(cycleId, "c", AuditAction.Verdict, at, AuditEvent.SystemActor, "KEN"));
        await store.RecordAsync(new AuditEvent(cycleId, "d", AuditAction.CycleOpened, at.AddMinutes(-5), "staff"));

        var ken = await store.ListAsync(cycleId, "KEN");
        Assert.Equal(["c", "b"], ken.Select(e => e.EventKey));
        Assert.Equal(["d", "c", "a", "b"], (await store.ListAsync(cycleId)).Select(e => e.EventKey));
    }
}
