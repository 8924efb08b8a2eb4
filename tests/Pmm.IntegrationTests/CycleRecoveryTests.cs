using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pmm.Core;
using Pmm.Core.Catalogue;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
using Pmm.Functions.Cycles;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>A cycle whose final benchmarks cannot be computed says so and can be retried by staff, over HTTP on the local host.</summary>
[Collection(LocalHostFixture.Collection)]
public class CycleRecoveryTests(LocalHostFixture app)
{
    // Closing a cycle whose pinned catalogue cannot be loaded ends in status failed with the reason; once the cause is
    // fixed (the version published), staff retry it and it closes with final benchmarks.
    [Fact]
    public async Task Close_FinalComputationFails_FailedThenRetryCloses()
    {
        var staff = app.Token(AppRoles.Staff);
        var version = TestStorage.Unique("2099");
        var cycleId = await ClosedCyclePinnedToUnstoredCatalogueAsync(version);

        // The computation fails only after its retries (seconds of back-off), hence the longer bound.
        var failed = await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}", staff, c => c.GetProperty("status").GetString() == "failed", seconds: 90);

        Assert.Contains(version, failed.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("closed by staff", failed.GetProperty("closedReason").GetString(), StringComparison.Ordinal);
        Assert.Equal("Running", failed.GetProperty("orchestration").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/retry", app.Token(AppRoles.Member, "KEN"))).StatusCode);

        // The reason is the computation's error, for the Secretariat: a Member sees that the cycle failed, not why.
        var seenByMember = await (await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}", app.Token(AppRoles.Member, "KEN"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("failed", JsonValueKind.Null), (seenByMember.GetProperty("status").GetString(), seenByMember.GetProperty("failureReason").ValueKind));

        var catalogue = JsonNode.Parse(ReferenceData.Read(ReferenceData.CatalogueFile))!.AsObject();
        catalogue["version"] = version;
        var publish = await app.SendAsync(HttpMethod.Put, $"api/catalogues/{version}", staff, new StringContent(catalogue.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, publish.StatusCode);
        var retry = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/retry", staff);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);

        var closed = await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}", staff, c => c.GetProperty("status").GetString() == "closed", seconds: 90);
        Assert.Equal(JsonValueKind.Null, closed.GetProperty("failureReason").ValueKind);
        Assert.StartsWith("closed by staff", closed.GetProperty("closedReason").GetString(), StringComparison.Ordinal);
        var benchmarks = await (await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", staff)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("final", version), (benchmarks.GetProperty("status").GetString(), benchmarks.GetProperty("catalogueVersion").GetString()));
        Assert.Equal(1, benchmarks.GetProperty("respondents").GetInt32());
    }

    // Only a failed cycle can be retried: an open or closed one is 409 with a stable code, an unknown one 404.
    [Fact]
    public async Task Retry_CycleNotFailed_Conflict()
    {
        var staff = app.Token(AppRoles.Staff);
        var cycleId = TestStorage.Unique("rt");
        await app.SendAsync(HttpMethod.Post, "api/cycles", staff, JsonContent.Create(new { cycleId, reportingYear = 2025, deadline = DateTimeOffset.UtcNow.AddDays(1) }));

        var open = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/retry", staff);
        var unknown = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}-none/retry", staff);

        Assert.Equal(HttpStatusCode.Conflict, open.StatusCode);
        var problem = await open.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("PMM-CYCLE-006", problem.GetProperty("code").GetString());
        Assert.Contains("open", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>
    /// A cycle pinned to a catalogue version that cannot be loaded, with one accepted Member, that staff have just closed.
    /// Opening refuses such a version over HTTP, so the cycle is recorded and started the way <c>OpenCycle</c> does it,
    /// with the version unstored; it is recorded as closing, as the close request leaves it, so the provisional
    /// benchmark timer (which computes every open cycle) never tries it.
    /// </summary>
    async Task<string> ClosedCyclePinnedToUnstoredCatalogueAsync(string version)
    {
        var cycleId = TestStorage.Unique("fail");
        var deadline = DateTimeOffset.UtcNow.AddDays(1);
        var cycles = app.Host.Services.GetRequiredService<CycleStore>();
        Assert.True(await cycles.TryCreateAsync(new Cycle(cycleId, 2025, deadline, CycleStatus.Closing, DateTimeOffset.UtcNow, null, null, version, MemberDirectory.Embedded.Version!)));
        await app.Host.Services.GetRequiredService<CurrentSubmissionStore>().PromoteAsync(cycleId, "KEN", Guid.CreateVersion7().ToString("N"), new Dictionary<string, decimal> { ["TF-01"] = 97.5m }, null, DateTimeOffset.UtcNow);
        var client = app.Host.Services.GetRequiredService<DurableTaskClient>();
        var instanceId = CycleFunctions.InstanceIdOf(cycleId);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(CycleFunctions.CycleOrchestration), new CycleOrchestrationInput(cycleId, 2025, deadline), new StartOrchestrationOptions(instanceId));
        await client.RaiseEventAsync(instanceId, CycleEvents.Close, new CloseCycleEvent("dev-staff"));
        return cycleId;
    }
}
