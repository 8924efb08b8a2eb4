using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pmm.Functions.Auth;
using Pmm.Functions.Submissions;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>
/// Resubmission over HTTP, by ODK Central's transport rules: only content identical to the Member's latest version is
/// the same submission; anything else (an older version again, a file the server failed on) is a new version.
/// </summary>
[Collection(LocalHostFixture.Collection)]
public class ResubmissionTests(LocalHostFixture app)
{
    const int Year = 2025;

    // A, then B, then A again: the third upload is a new version that is validated and becomes current, so a Member can go back.
    [Fact]
    public async Task Upload_OlderContentAgain_NewVersionBecomesCurrent()
    {
        var cycleId = await app.OpenCycleAsync("aba");
        var a = LocalHostFixture.ValidCsv(Year, 1000, 980);
        var b = LocalHostFixture.ValidCsv(Year, 1000, 900);
        var first = await UploadAsync(cycleId, "KEN", a, HttpStatusCode.Accepted);
        await VerdictAsync(cycleId, "KEN", first);
        var second = await UploadAsync(cycleId, "KEN", b, HttpStatusCode.Accepted);
        await VerdictAsync(cycleId, "KEN", second);

        var third = await UploadAsync(cycleId, "KEN", a, HttpStatusCode.Accepted);

        Assert.NotEqual(first, third);
        var verdict = await VerdictAsync(cycleId, "KEN", third);
        Assert.Equal("accepted", verdict.GetProperty("status").GetString());
        Assert.Equal(98m, verdict.GetProperty("kpiValues").GetProperty("TF-01").GetDecimal());
        var versions = await ListAsync(cycleId, "KEN");
        Assert.Equal([first, second, third], versions.Select(v => v.GetProperty("submissionId").GetString()));
        Assert.Equal(third, versions.Single(v => v.GetProperty("isCurrent").GetBoolean()).GetProperty("submissionId").GetString());
    }

    // Content identical to the latest version is that version (200), whatever its verdict; nothing new is stored.
    [Fact]
    public async Task Upload_SameAsLatest_ReturnsLatest()
    {
        var cycleId = await app.OpenCycleAsync("same");
        var bad = $"item,year,value\nDECL_TOTAL,{Year},10\nDECL_ELECTRONIC,{Year},9x\n";
        var first = await UploadAsync(cycleId, "KEN", bad, HttpStatusCode.Accepted);
        Assert.Equal("rejected", (await VerdictAsync(cycleId, "KEN", first)).GetProperty("status").GetString());

        var again = await UploadAsync(cycleId, "KEN", bad, HttpStatusCode.OK);

        Assert.Equal(first, again);
        Assert.Single(await ListAsync(cycleId, "KEN"));
    }

    // After a PMM-SYS-001 rejection (the server failed, not the file), the same file is validated again as a new version.
    [Fact]
    public async Task Upload_SameFileAfterSystemError_ValidatedAgain()
    {
        var cycleId = await app.OpenCycleAsync("sys");
        var csv = LocalHostFixture.ValidCsv(Year, 400, 390);
        var failed = await SystemErrorAsync(cycleId, "SEN", csv);

        var again = await UploadAsync(cycleId, "SEN", csv, HttpStatusCode.Accepted);

        Assert.NotEqual(failed, again);
        var verdict = await VerdictAsync(cycleId, "SEN", again);
        Assert.Equal("accepted", verdict.GetProperty("status").GetString());
        Assert.True(verdict.GetProperty("isCurrent").GetBoolean());
        Assert.Equal(2, (await ListAsync(cycleId, "SEN")).Count);
    }

    // Ten identical uploads at once store one version: one 202, nine 200 naming the same submission.
    [Fact]
    public async Task Upload_TenIdenticalAtOnce_OneVersionStored()
    {
        var cycleId = await app.OpenCycleAsync("burst");
        var csv = LocalHostFixture.ValidCsv(Year, 700, 690);
        var token = app.Token(AppRoles.Member, "GHA");

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/GHA/submissions", token, LocalHostFixture.Csv(csv))));

        Assert.Equal(1, answers.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(9, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        var ids = new HashSet<string?>();
        foreach (var r in answers)
        {
            ids.Add((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString());
        }

        var version = Assert.Single(ids)!;
        Assert.Single(await app.Host.Services.GetRequiredService<SubmissionStore>().ListAsync(cycleId, "GHA"));
        Assert.Equal("accepted", (await VerdictAsync(cycleId, "GHA", version)).GetProperty("status").GetString());
    }

    /// <summary>
    /// A version of <paramref name="csv"/> rejected with PMM-SYS-001 the way the app does it: stored, its original then
    /// lost, its validation run in the local host's durable engine keeps failing, so the orchestration records the system error.
    /// </summary>
    async Task<string> SystemErrorAsync(string cycleId, string member, string csv)
    {
        var record = await app.StoreWithoutValidationAsync(cycleId, member, csv);
        await app.Host.Services.GetRequiredService<PmmStorage>().Submissions.DeleteBlobAsync(record.BlobName);
        var client = app.Host.Services.GetRequiredService<DurableTaskClient>();
        var instanceId = SubmissionFunctions.InstanceIdOf(record.SubmissionId);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(SubmissionFunctions.ValidationOrchestration), new SubmissionRef(cycleId, member, record.SubmissionId), new StartOrchestrationOptions(instanceId));
        await client.WaitForInstanceCompletionAsync(instanceId, TestStorage.Timeout(60));
        var view = await VerdictAsync(cycleId, member, record.SubmissionId);
        Assert.Equal("PMM-SYS-001", Assert.Single(view.GetProperty("findings").EnumerateArray()).GetProperty("ruleId").GetString());
        return record.SubmissionId;
    }

    async Task<string> UploadAsync(string cycleId, string member, string csv, HttpStatusCode expected)
    {
        var response = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/{member}/submissions", app.Token(AppRoles.Member, member), LocalHostFixture.Csv(csv));
        Assert.Equal(expected, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString()!;
    }

    Task<JsonElement> VerdictAsync(string cycleId, string member, string submissionId) =>
        LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}/members/{member}/submissions/{submissionId}", app.Token(AppRoles.Member, member), s => s.GetProperty("status").GetString() is "accepted" or "rejected");

    async Task<List<JsonElement>> ListAsync(string cycleId, string member)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/members/{member}/submissions", app.Token(AppRoles.Member, member));
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()];
    }
}
