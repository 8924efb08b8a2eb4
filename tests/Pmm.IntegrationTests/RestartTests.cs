using System.Net;
using System.Net.Http.Json;
using Pmm.Functions.Auth;
using Pmm.LocalHost;

namespace Pmm.IntegrationTests;

/// <summary>Durable state lives in storage: a cycle opened before a restart of the local host closes after it.</summary>
public class RestartTests
{
    // Stop the host while the cycle orchestration waits; start a new one on the same task hub; closing then completes it.
    [Fact]
    public async Task CycleOrchestration_HostRestartedWhileWaiting_ClosesAfterRestart()
    {
        var hub = TestStorage.Unique("restart").Replace("-", "", StringComparison.Ordinal);
        var key = DevelopmentTokens.NewSigningKey();
        var cycleId = TestStorage.Unique("rs");
        string staff;

        var (first, configuration) = await LocalHostFixture.StartAsync(hub, key);
        await using (first)
        {
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            var auth = TestStorage.Auth(configuration);
            staff = DevelopmentTokens.Mint(auth, AppRoles.Staff);
            var open = await LocalHostFixture.SendAsync(http, HttpMethod.Post, "api/cycles", staff, JsonContent.Create(new { cycleId, reportingYear = 2025, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
            Assert.Equal(HttpStatusCode.Created, open.StatusCode);
            var member = DevelopmentTokens.Mint(auth, AppRoles.Member, "JPN");
            var upload = await LocalHostFixture.SendAsync(http, HttpMethod.Post, $"api/cycles/{cycleId}/members/JPN/submissions", member, LocalHostFixture.Csv(LocalHostFixture.ValidCsv(2025, 100, 99)));
            await LocalHostFixture.PollAsync(http, upload.Headers.Location!.ToString().TrimStart('/'), member, s => s.GetProperty("status").GetString() == "accepted");
            await LocalHostFixture.PollAsync(http, $"api/cycles/{cycleId}", staff, c => c.GetProperty("orchestration").GetString() == "Running");
        }

        var (second, _) = await LocalHostFixture.StartAsync(hub, key);
        await using (second)
        {
            using var http = new HttpClient { BaseAddress = second.BaseAddress };
            Assert.Equal(HttpStatusCode.Accepted, (await LocalHostFixture.SendAsync(http, HttpMethod.Post, $"api/cycles/{cycleId}/close", staff)).StatusCode);

            var closed = await LocalHostFixture.PollAsync(http, $"api/cycles/{cycleId}", staff, c => c.GetProperty("status").GetString() == "closed" && c.GetProperty("orchestration").GetString() == "Completed");
            Assert.StartsWith("closed by staff", closed.GetProperty("closedReason").GetString(), StringComparison.Ordinal);
            var benchmarks = await LocalHostFixture.PollAsync(http, $"api/cycles/{cycleId}/benchmarks", staff, _ => true);
            Assert.Equal("final", benchmarks.GetProperty("status").GetString());
            Assert.Equal(1, benchmarks.GetProperty("respondents").GetInt32());
        }
    }
}
