using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pmm.Core.Catalogue;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
using Pmm.Functions.Benchmarks;
using Pmm.Functions.Configuration;
using Pmm.Functions.Cycles;
using Pmm.Functions.Submissions;
using Pmm.LocalHost;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>
/// The cycle orchestration in the real Durable Task replay engine (in-process backend), registered from the
/// function attributes exactly as the local host registers it, with real activities on Azurite.
/// </summary>
public class OrchestrationTests : IAsyncLifetime
{
    DurableTaskTestHost host = null!;

    public async Task InitializeAsync()
    {
        var configuration = TestStorage.Configuration(TestStorage.AppSettings("unused", DevelopmentTokens.NewSigningKey()));
        var index = FunctionIndex.Build(typeof(ServiceRegistration).Assembly);
        // The test host otherwise draws a random port in 30000-40000 without checking it is free, which collided
        // with another listener in CI once. Take a port the OS says is free, and draw again if it is taken meanwhile.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                host = await DurableTaskTestHost.StartAsync(
                    registry => FunctionTasks.Register(registry, index),
                    new DurableTaskTestHostOptions { Port = FreePort(), ConfigureServices = services => services.AddPmm(configuration) });
                return;
            }
            catch (IOException) when (attempt < 5)
            {
            }
        }
    }

    static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    /// <summary>Three Members of one region and one income group: enough for a published group at the tests' threshold (3).</summary>
    static readonly string[] Respondents = ["KEN", "TZA", "ZMB"];

    /// <summary>The rows of one audience of the cycle's current final snapshot, found through its pointer as readers find it.</summary>
    async Task<IReadOnlyList<BenchmarkRow>> FinalRowsAsync(string cycleId, string audience, CancellationToken cancellationToken = default)
    {
        var store = host.Services.GetRequiredService<BenchmarkStore>();
        var snapshotId = await store.GetPointerAsync(cycleId, SnapshotPointers.Final, cancellationToken);
        return await store.ReadRowsAsync(cycleId, snapshotId!, audience, cancellationToken);
    }

    /// <remarks>
    /// A cycle pinned to an unusable <paramref name="catalogueVersion"/> is recorded as closing (as a close request leaves
    /// it): the local host tests share this storage, and their provisional benchmark timer computes every open cycle.
    /// </remarks>
    async Task<(string CycleId, CycleStore Cycles)> OpenCycleAsync(DateTimeOffset deadline, string? catalogueVersion = null)
    {
        var cycles = host.Services.GetRequiredService<CycleStore>();
        await host.Services.GetRequiredService<PmmStorage>().EnsureCreatedAsync();
        var cycleId = TestStorage.Unique("orch");
        await cycles.TryCreateAsync(new Cycle(cycleId, 2025, deadline, catalogueVersion is null ? CycleStatus.Open : CycleStatus.Closing, DateTimeOffset.UtcNow, null, null, catalogueVersion ?? KpiCatalogue.Embedded.Version, MemberDirectory.Embedded.Version!));
        foreach (var member in Respondents)
        {
            await host.Services.GetRequiredService<CurrentSubmissionStore>().PromoteAsync(cycleId, member, Guid.CreateVersion7().ToString("N"), new Dictionary<string, decimal> { ["TF-01"] = 97.5m }, null, DateTimeOffset.UtcNow);
        }

        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CycleFunctions.CycleOrchestration), new CycleOrchestrationInput(cycleId, 2025, deadline), new StartOrchestrationOptions(CycleFunctions.InstanceIdOf(cycleId)));
        return (cycleId, cycles);
    }

    async Task<CycleOutcome> CompletionAsync(string cycleId)
    {
        var state = await host.Client.WaitForInstanceCompletionAsync(CycleFunctions.InstanceIdOf(cycleId), getInputsAndOutputs: true, TestStorage.Timeout());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        return state.ReadOutputAs<CycleOutcome>()!;
    }

    /// <summary>Polls the stored cycle until <paramref name="done"/> holds, within the bound of <paramref name="timeout"/>.</summary>
    static async Task<Cycle> StoredWhenAsync(CycleStore cycles, string cycleId, Func<Cycle, bool> done, CancellationToken timeout)
    {
        while (true)
        {
            var cycle = (await cycles.GetAsync(cycleId, timeout))!;
            if (done(cycle))
            {
                return cycle;
            }

            await Task.Delay(100, timeout);
        }
    }

    // The staff close event wins over a far deadline: the cycle closes with final benchmarks.
    [Fact]
    public async Task CycleOrchestration_CloseEventBeforeDeadline_ClosesByStaff()
    {
        var (cycleId, cycles) = await OpenCycleAsync(DateTimeOffset.UtcNow.AddDays(30));

        await host.Client.RaiseEventAsync(CycleFunctions.InstanceIdOf(cycleId), CycleEvents.Close, new CloseCycleEvent("tester"), TestStorage.Timeout());

        var outcome = await CompletionAsync(cycleId);
        Assert.Equal("closed by staff (tester)", outcome.ClosedReason);
        Assert.Equal(Respondents.Length, outcome.Respondents);
        Assert.Equal(CycleStatus.Closed, (await cycles.GetAsync(cycleId))!.Status);
        var final = await FinalRowsAsync(cycleId, "public");
        Assert.Equal(97.5, final.Single(r => r.KpiCode == "TF-01" && r.Group == "all").Mean);
    }

    // With no event, the durable timer closes the cycle at its deadline (one already passed: the timer fires at once, no clock to wait for).
    [Fact]
    public async Task CycleOrchestration_DeadlineBeforeEvent_ClosesAtDeadline()
    {
        var (cycleId, cycles) = await OpenCycleAsync(DateTimeOffset.UtcNow.AddMinutes(-1));

        var outcome = await CompletionAsync(cycleId);

        Assert.Equal("deadline passed", outcome.ClosedReason);
        var cycle = (await cycles.GetAsync(cycleId))!;
        Assert.Equal((CycleStatus.Closed, "deadline passed"), (cycle.Status, cycle.ClosedReason));
    }

    // A deadline extension is recorded and restarts the wait (continue-as-new) on the new deadline; a later close still ends the cycle.
    [Fact]
    public async Task CycleOrchestration_ExtendThenClose_RecordsNewDeadlineAndCloses()
    {
        var (cycleId, cycles) = await OpenCycleAsync(DateTimeOffset.UtcNow.AddDays(1));
        var extended = DateTimeOffset.UtcNow.AddDays(10);
        var instanceId = CycleFunctions.InstanceIdOf(cycleId);
        var timeout = TestStorage.Timeout();

        await host.Client.RaiseEventAsync(instanceId, CycleEvents.ExtendDeadline, new ExtendDeadlineEvent(extended, "tester"), timeout);
        while ((await host.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, timeout))?.ReadInputAs<CycleOrchestrationInput>()?.Deadline != extended)
        {
            await Task.Delay(100, timeout);
        }

        var running = (await host.Client.GetInstanceAsync(instanceId, timeout))!;
        var stored = (await cycles.GetAsync(cycleId, timeout))!;
        Assert.Equal(OrchestrationRuntimeStatus.Running, running.RuntimeStatus);
        Assert.Equal((extended, CycleStatus.Open), (stored.Deadline, stored.Status));
        await host.Client.RaiseEventAsync(instanceId, CycleEvents.Close, new CloseCycleEvent("tester"), timeout);

        Assert.Equal("closed by staff (tester)", (await CompletionAsync(cycleId)).ClosedReason);
    }

    // Final benchmarks that keep failing (the pinned catalogue cannot be loaded) leave the cycle failed with the reason and
    // the orchestration waiting; once the version is stored, the retry event computes them and closes the cycle.
    [Fact]
    public async Task CycleOrchestration_FinalComputationFails_FailedUntilRetriedThenClosed()
    {
        var version = TestStorage.Unique("2099");
        var (cycleId, cycles) = await OpenCycleAsync(DateTimeOffset.UtcNow.AddDays(1), version);
        var instanceId = CycleFunctions.InstanceIdOf(cycleId);
        var timeout = TestStorage.Timeout(60);

        await host.Client.RaiseEventAsync(instanceId, CycleEvents.Close, new CloseCycleEvent("tester"), timeout);
        var failed = await StoredWhenAsync(cycles, cycleId, c => c.Status == CycleStatus.Failed, timeout);

        Assert.Contains($"catalogue {version}", failed.FailureReason, StringComparison.Ordinal);
        Assert.Equal("closed by staff (tester)", failed.ClosedReason);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(instanceId, timeout))!.RuntimeStatus);
        var catalogue = System.Text.Json.Nodes.JsonNode.Parse(Pmm.Core.ReferenceData.Read(Pmm.Core.ReferenceData.CatalogueFile))!;
        catalogue["version"] = version;
        Assert.True(await host.Services.GetRequiredService<ReferenceStore>().TryAddAsync(ReferenceKind.Catalogue, version, System.Text.Encoding.UTF8.GetBytes(catalogue.ToJsonString()), "tester", timeout));

        await host.Client.RaiseEventAsync(instanceId, CycleEvents.Retry, new RetryCycleEvent("tester"), timeout);

        var outcome = await CompletionAsync(cycleId);
        Assert.Equal(("closed by staff (tester)", Respondents.Length), (outcome.ClosedReason, outcome.Respondents));
        var closed = (await cycles.GetAsync(cycleId, timeout))!;
        Assert.Equal((CycleStatus.Closed, null), (closed.Status, closed.FailureReason));
        var final = await FinalRowsAsync(cycleId, "public", timeout);
        Assert.Equal((97.5, version), (final.Single(r => r.KpiCode == "TF-01" && r.Group == "all").Mean, final[0].CatalogueVersion));
    }

    // The provisional timer writes a new snapshot only when something changed: the same rows from the same submissions
    // keep the current snapshot; a new submission makes a new one, and the old one stays in the history.
    [Fact]
    public async Task ProvisionalSnapshot_Unchanged_NotWrittenAgain()
    {
        // Recorded as closing (with the embedded catalogue), so the local host tests' timer never computes it meanwhile.
        var (cycleId, _) = await OpenCycleAsync(DateTimeOffset.UtcNow.AddDays(1), KpiCatalogue.Embedded.Version);
        var snapshots = host.Services.GetRequiredService<BenchmarkSnapshots>();
        string NewId() => BenchmarkStore.NewSnapshotId(BenchmarkKind.Provisional, DateTime.UtcNow, Guid.NewGuid());

        var first = await snapshots.ComputeAsync(new BenchmarkRequest(cycleId, Final: false, NewId()));
        var same = await snapshots.ComputeAsync(new BenchmarkRequest(cycleId, Final: false, NewId()));
        await host.Services.GetRequiredService<CurrentSubmissionStore>().PromoteAsync(cycleId, "UGA", Guid.CreateVersion7().ToString("N"), new Dictionary<string, decimal> { ["TF-01"] = 90m }, null, DateTimeOffset.UtcNow);
        var changed = await snapshots.ComputeAsync(new BenchmarkRequest(cycleId, Final: false, NewId()));

        Assert.Equal(first.SnapshotId, same.SnapshotId);
        Assert.NotEqual(first.SnapshotId, changed.SnapshotId);
        Assert.Equal(Respondents.Length + 1, changed.Respondents);
        var store = host.Services.GetRequiredService<BenchmarkStore>();
        Assert.Equal(changed.SnapshotId, await store.GetPointerAsync(cycleId, SnapshotPointers.Provisional));
        Assert.Equal(2, (await store.ListSnapshotsAsync(cycleId)).Count);
    }

    // When validation keeps failing (here: the original blob is gone), the retries end in a rejection the submitter can read.
    [Fact]
    public async Task ValidationOrchestration_ActivityKeepsFailing_RejectedWithSystemFinding()
    {
        var (cycleId, _) = await OpenCycleAsync(DateTimeOffset.UtcNow.AddDays(1));
        var submissions = host.Services.GetRequiredService<SubmissionStore>();
        var record = new SubmissionRecord(cycleId, "KEN", Guid.CreateVersion7().ToString("N"), SubmissionStatus.Received, DateTimeOffset.UtcNow, "none", "text/csv", 1, "dev");
        await submissions.ReceiveAsync(record, "x"u8.ToArray());
        await host.Services.GetRequiredService<PmmStorage>().Submissions.DeleteBlobAsync(record.BlobName);
        var instanceId = SubmissionFunctions.InstanceIdOf(record.SubmissionId);

        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SubmissionFunctions.ValidationOrchestration), new SubmissionRef(cycleId, "KEN", record.SubmissionId), new StartOrchestrationOptions(instanceId));
        var state = await host.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, TestStorage.Timeout(60));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var stored = (await submissions.GetAsync(cycleId, "KEN", record.SubmissionId))!;
        Assert.Equal(SubmissionStatus.Rejected, stored.Status);
        Assert.Equal("PMM-SYS-001", Assert.Single((await submissions.GetResultAsync(stored))!.Findings).RuleId);
    }
}
