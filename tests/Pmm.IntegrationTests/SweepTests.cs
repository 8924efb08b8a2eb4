using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pmm.Functions.Auth;
using Pmm.Functions.Submissions;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>
/// The sweeper finds uploads that were acknowledged but lost their validation (the receiver stopped between storing the
/// version and starting its orchestration) and starts it, once; versions still inside the start grace are left alone.
/// </summary>
[Collection(LocalHostFixture.Collection)]
public class SweepTests(LocalHostFixture app)
{
    const int Year = 2025;

    [Fact]
    public async Task Sweep_StalledVersions_ValidatedOnce()
    {
        var cycleId = await app.OpenCycleAsync("sweep", Year);
        var longAgo = DateTimeOffset.UtcNow - SubmissionVersions.ValidationStartGrace - TimeSpan.FromMinutes(1);
        var received = await StoreAsync(cycleId, "KEN", SubmissionStatus.Received, longAgo, 1000, 980);
        var validating = await StoreAsync(cycleId, "FRA", SubmissionStatus.Validating, longAgo, 2000, 1900);
        var fresh = await StoreAsync(cycleId, "DEU", SubmissionStatus.Received, DateTimeOffset.UtcNow, 3000, 2900);
        var versions = app.Host.Services.GetRequiredService<SubmissionVersions>();
        var client = app.Host.Services.GetRequiredService<DurableTaskClient>();

        var started = await versions.SweepAsync(client, TestStorage.Timeout());

        Assert.Contains(received.SubmissionId, started);
        Assert.Contains(validating.SubmissionId, started);
        Assert.DoesNotContain(fresh.SubmissionId, started);
        foreach (var record in new[] { received, validating })
        {
            var verdict = await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}/members/{record.MemberCode}/submissions/{record.SubmissionId}", app.Token(AppRoles.Staff), s => s.GetProperty("status").GetString() is "accepted" or "rejected", seconds: 60);
            Assert.Equal("accepted", verdict.GetProperty("status").GetString());
        }

        var again = await versions.SweepAsync(client, TestStorage.Timeout());
        Assert.DoesNotContain(received.SubmissionId, again);
        Assert.DoesNotContain(validating.SubmissionId, again);
        Assert.Equal(SubmissionStatus.Received, (await app.Host.Services.GetRequiredService<SubmissionStore>().GetAsync(cycleId, "DEU", fresh.SubmissionId))!.Status);
    }

    /// <summary>A version stored as an upload stores it, at <paramref name="receivedAt"/>, left in <paramref name="status"/> with no orchestration.</summary>
    async Task<SubmissionRecord> StoreAsync(string cycleId, string member, SubmissionStatus status, DateTimeOffset receivedAt, int total, int electronic)
    {
        var stored = await app.StoreWithoutValidationAsync(cycleId, member, LocalHostFixture.ValidCsv(Year, total, electronic), receivedAt);
        if (status != SubmissionStatus.Received)
        {
            await app.Host.Services.GetRequiredService<SubmissionStore>().SetStatusAsync(stored, status);
        }

        return stored;
    }
}
