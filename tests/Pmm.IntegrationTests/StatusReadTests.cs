using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pmm.Functions.Auth;
using Pmm.Functions.Submissions;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>
/// Status reads during a deadline burst: a submission not yet validated answers cheaply (its record only) with a
/// Retry-After, so that clients polling it wait instead of competing with validation; a finished one answers in full.
/// </summary>
[Collection(LocalHostFixture.Collection)]
public class StatusReadTests(LocalHostFixture app)
{
    const int Year = 2025;

    // A version stored with no validation started stays received; its status carries Retry-After and is not shown current,
    // even when the current-submission row already names it (the record alone is read).
    [Fact]
    public async Task GetSubmission_Received_RetryAfterAndRecordOnly()
    {
        var cycleId = await app.OpenCycleAsync("unfinished");
        var record = await app.StoreWithoutValidationAsync(cycleId, "KEN", LocalHostFixture.ValidCsv(Year, 1000, 980));
        await app.Host.Services.GetRequiredService<CurrentSubmissionStore>().PromoteAsync(cycleId, "KEN", record.SubmissionId, new Dictionary<string, decimal> { ["TF-01"] = 98m }, null, DateTimeOffset.UtcNow);

        var response = await app.SendAsync(HttpMethod.Get, SubmissionView.UrlOf(cycleId, "KEN", record.SubmissionId).TrimStart('/'), app.Token(AppRoles.Member, "KEN"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(SubmissionFunctions.UnfinishedRetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(LocalHostFixture.Json);
        Assert.Equal("received", view.GetProperty("status").GetString());
        Assert.False(view.GetProperty("isCurrent").GetBoolean());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("findings").ValueKind);
    }

    // Once the verdict is recorded the answer is final: no Retry-After, findings and current flag as before.
    [Fact]
    public async Task GetSubmission_Accepted_NoRetryAfter()
    {
        var cycleId = await app.OpenCycleAsync("finished");
        var token = app.Token(AppRoles.Member, "KEN");
        var upload = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/KEN/submissions", token, LocalHostFixture.Csv(LocalHostFixture.ValidCsv(Year, 1000, 980)));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var url = (await upload.Content.ReadFromJsonAsync<JsonElement>(LocalHostFixture.Json)).GetProperty("statusUrl").GetString()!.TrimStart('/');
        await LocalHostFixture.PollAsync(app.Http, url, token, s => s.GetProperty("status").GetString() is "accepted" or "rejected");

        var response = await app.SendAsync(HttpMethod.Get, url, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(LocalHostFixture.Json);
        Assert.Equal("accepted", view.GetProperty("status").GetString());
        Assert.True(view.GetProperty("isCurrent").GetBoolean());
        Assert.Equal(JsonValueKind.Array, view.GetProperty("findings").ValueKind);
    }
}
