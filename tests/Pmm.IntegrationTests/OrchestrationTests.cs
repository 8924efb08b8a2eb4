using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pmm.Core.Catalogue;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
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

    async Task<(string CycleId, CycleStore Cycles)> OpenCycleAsync(DateTimeOffset deadline)
    {
        var cycles = host.Services.GetRequiredService<CycleStore>();
        await host.Services.GetRequiredService<PmmStorage>().EnsureCreatedAsync();
        var cycleId = TestStorage.Unique("orch");
        await cycles.TryCreateAsync(new Cycle(cycleId, 2025, deadline, CycleStatus.Open, DateTimeOffset.UtcNow, null, null, KpiCatalogue.Embedded.Version, MemberDirectory.Embedded.Version!));
        await host.Services.GetRequiredService<CurrentSubmissionStore>().PromoteAsync(cycleId, "KEN", Guid.CreateVersion7().ToString("N"), new Dictionary<string, decimal> { ["TF-01"] = 97.5m }, null, DateTimeOffset.UtcNow);
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CycleFunctions.CycleOrchestration), new CycleOrchestrationInput(cycleId, 2025, deadline), new StartOrchestrationOptions(CycleFunctions.InstanceIdOf(cycleId)));
        return (cycleId, cycles);
    }

    async Task<CycleOutcome> CompletionAsync(string cycleId)
    {
        var state = await host.Client.WaitForInstanceCompletionAsync(CycleFunctions.InstanceIdOf(cycleId), getInputsAndOutputs: true, TestStorage.Timeout());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        return state.ReadOutputAs<CycleOutcome>()!;
    }

    // The staff close event wins over a far deadline: the cycle closes with final benchmarks.
    [Fact]
    public async Task CycleOrchestration_CloseEventBeforeDeadline_ClosesByStaff()
    {
        var (cycleId, cycles) = await OpenCycleAsync(DateTimeOffset.UtcNow.AddDays(30));

        await host.Client.RaiseEventAsync(CycleFunctions.InstanceIdOf(cycleId), CycleEvents.Close, new CloseCycleEvent("tester"), TestStorage.Timeout());

        var outcome = await CompletionAsync(cycleId);
        Assert.Equal("closed by staff (tester)", outcome.ClosedReason);
        Assert.Equal(1, outcome.Respondents);
        Assert.Equal(CycleStatus.Closed, (await cycles.GetAsync(cycleId))!.Status);
        var final = await host.Services.GetRequiredService<BenchmarkStore>().ReadAsync(cycleId, BenchmarkKind.Final, "public");
        Assert.Equal(97.5, final.Single(r => r.KpiCode == "TF-01" && r.Group == "all").Mean);
    }

    // With no event, the durable timer closes the cycle at its deadline.
    [Fact]
    public async Task CycleOrchestration_DeadlineBeforeEvent_ClosesAtDeadline()
    {
        var (cycleId, cycles) = await OpenCycleAsync(DateTimeOffset.UtcNow.AddSeconds(3));

        var outcome = await CompletionAsync(cycleId);

        Assert.Equal("deadline passed", outcome.ClosedReason);
        var cycle = (await cycles.GetAsync(cycleId))!;
        Assert.Equal((CycleStatus.Closed, "deadline passed"), (cycle.Status, cycle.ClosedReason));
    }

    // A deadline extension restarts the wait (continue-as-new) and is recorded; a later close still ends the cycle.
    [Fact]
    public async Task CycleOrchestration_ExtendThenClose_RecordsNewDeadlineAndCloses()
    {
        var (cycleId, cycles) = await OpenCycleAsync(DateTimeOffset.UtcNow.AddSeconds(4));
        var extended = DateTimeOffset.UtcNow.AddDays(10);
        var instanceId = CycleFunctions.InstanceIdOf(cycleId);

        await host.Client.RaiseEventAsync(instanceId, CycleEvents.ExtendDeadline, new ExtendDeadlineEvent(extended, "tester"), TestStorage.Timeout());
        var timeout = TestStorage.Timeout();
        while ((await cycles.GetAsync(cycleId, timeout))!.Deadline != extended)
        {
            await Task.Delay(100, timeout);
        }

        await Task.Delay(TimeSpan.FromSeconds(5), timeout);
        Assert.Equal(CycleStatus.Open, (await cycles.GetAsync(cycleId, timeout))!.Status);
        await host.Client.RaiseEventAsync(instanceId, CycleEvents.Close, new CloseCycleEvent("tester"), timeout);

        Assert.Equal("closed by staff (tester)", (await CompletionAsync(cycleId)).ClosedReason);
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
