using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Pmm.Core.Catalogue;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;
using Xunit.Abstractions;

namespace Pmm.IntegrationTests;

/// <summary>
/// The local host as a real process, killed with SIGKILL in the middle of work and started again on the same task hub:
/// nothing acknowledged is lost or doubled, and the work finishes within the recovery the README promises.
/// </summary>
public sealed class KillTests(ITestOutputHelper output)
{
    const int Year = 2025;

    /// <summary>host.json's visibility timeouts (45 s) plus the sweeper's minute would be the worst case; the README promises a minute after restart.</summary>
    const int RecoverySeconds = 120;

    // Kill -9 while 40 Members upload, 8 at a time, once at least 12 uploads were acknowledged; restart at once: every
    // acknowledged upload reaches its verdict, and its Member has exactly that one version.
    [Fact]
    public async Task KillDuringBurst_EveryAcknowledgedUploadHasOneVerdict()
    {
        await using var host = new HostProcess();
        await host.StartAsync();
        var cycleId = await host.OpenCycleAsync("killb");
        var members = MemberDirectory.Embedded.Members.Select(m => m.Code).Take(40).ToList();
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        using var enough = new SemaphoreSlim(0);
        using var gate = new SemaphoreSlim(8);
        var uploads = members.Select(async (member, i) =>
        {
            await gate.WaitAsync();
            try
            {
                var response = await host.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/{member}/submissions", host.Token(AppRoles.Member, member), LocalHostFixture.Csv(LocalHostFixture.ValidCsv(Year, 1000 + i, 900 + i)));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    acknowledged[member] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString()!;
                    if (acknowledged.Count == 12)
                    {
                        enough.Release();
                    }
                }
            }
            catch (HttpRequestException)
            {
                // The host was killed under this upload: not acknowledged, so nothing is owed to it.
            }
            catch (TaskCanceledException)
            {
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        Assert.True(await enough.WaitAsync(TimeSpan.FromSeconds(90)), "12 uploads were not acknowledged in 90 s.");
        host.Kill();
        await Task.WhenAll(uploads);
        var owed = acknowledged.ToDictionary();
        var restarted = Stopwatch.StartNew();
        await host.StartAsync();
        output.WriteLine($"Killed after {owed.Count} of {members.Count} uploads were acknowledged; restarted in {restarted.Elapsed.TotalSeconds:0.0} s.");

        foreach (var (member, submissionId) in owed)
        {
            var verdict = await host.PollAsync($"api/cycles/{cycleId}/members/{member}/submissions/{submissionId}", s => s.GetProperty("status").GetString() is "accepted" or "rejected", RecoverySeconds);
            output.WriteLine($"{member}: {verdict.GetProperty("status").GetString()} {restarted.Elapsed.TotalSeconds:0.0} s after the kill");
            Assert.Equal("accepted", verdict.GetProperty("status").GetString());
            var versions = await host.GetJsonAsync($"api/cycles/{cycleId}/members/{member}/submissions");
            Assert.Equal([submissionId], versions.EnumerateArray().Select(v => v.GetProperty("submissionId").GetString()));
        }
    }

    // Kill -9 right after staff closed a cycle (while it closes and computes the final snapshot); restart at once: the
    // cycle completes, and its final snapshot is whole (every row of every audience, all 6 Members counted).
    [Fact]
    public async Task KillDuringClose_CycleClosesWithAWholeFinalSnapshot()
    {
        await using var host = new HostProcess();
        await host.StartAsync();
        var cycleId = await host.OpenCycleAsync("killc");
        var members = MemberDirectory.Embedded.Members.Where(m => m.Region == "EUR").Select(m => m.Code).Take(6).ToList();
        foreach (var (member, i) in members.Select((m, i) => (m, i)))
        {
            var upload = await host.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/{member}/submissions", host.Token(AppRoles.Member, member), LocalHostFixture.Csv(LocalHostFixture.ValidCsv(Year, 1000 + i, 900 + i)));
            var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString();
            await host.PollAsync($"api/cycles/{cycleId}/members/{member}/submissions/{id}", s => s.GetProperty("status").GetString() == "accepted", 60);
        }

        var close = await host.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/close", host.Token(AppRoles.Staff));
        Assert.Equal(HttpStatusCode.Accepted, close.StatusCode);
        host.Kill();
        var restarted = Stopwatch.StartNew();
        await host.StartAsync();

        var cycle = await host.PollAsync($"api/cycles/{cycleId}", c => c.GetProperty("status").GetString() == "closed", RecoverySeconds);
        output.WriteLine($"Closed {restarted.Elapsed.TotalSeconds:0.0} s after the kill.");
        Assert.Equal("unpublished", cycle.GetProperty("publication").GetProperty("status").GetString());
        var final = await host.GetJsonAsync($"api/cycles/{cycleId}/benchmarks?status=final&audience=restricted");
        Assert.Equal(members.Count, final.GetProperty("respondents").GetInt32());
        var rows = final.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(KpiCatalogue.Embedded.Kpis.Count * (1 + MemberDirectory.Embedded.Regions.Count + MemberDirectory.Embedded.IncomeGroups.Count), rows.Count);
        Assert.Contains(rows, r => r.GetProperty("scope").GetString() == "region" && r.GetProperty("group").GetString() == "EUR" && r.GetProperty("n").ValueKind == JsonValueKind.Number && r.GetProperty("n").GetInt32() == members.Count);
    }

    /// <summary>The local host built beside the tests, run as its own process on a free port against the tests' Azurite.</summary>
    sealed class HostProcess : IAsyncDisposable
    {
        readonly string taskHub = TestStorage.Unique("kill").Replace("-", "", StringComparison.Ordinal);
        readonly string signingKey = DevelopmentTokens.NewSigningKey();
        readonly string appRoot = TestStorage.AppRootWithHostJson();
        readonly int port = FreePort();
        readonly HttpClient http;
        Process? process;

        public HostProcess()
        {
            http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        }

        AuthOptions Auth => TestStorage.Auth(TestStorage.Configuration(TestStorage.AppSettings(taskHub, signingKey)));

        public string Token(string role, string? member = null) => DevelopmentTokens.Mint(Auth, role, member);

        public async Task StartAsync()
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Pmm.LocalHost.dll"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                WorkingDirectory = appRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (key, value) in TestStorage.AppSettings(taskHub, signingKey))
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var until = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                Assert.False(process.HasExited, $"The local host exited at start-up with code {(process.HasExited ? process.ExitCode : 0)}.");
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    return;
                }
                catch (SocketException) when (DateTime.UtcNow < until)
                {
                    await Task.Delay(200);
                }
            }
        }

        /// <summary>SIGKILL: no shutdown code runs, as when a machine dies.</summary>
        public void Kill()
        {
            process!.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, HttpContent? content = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await http.SendAsync(request);
        }

        public async Task<string> OpenCycleAsync(string prefix)
        {
            var cycleId = TestStorage.Unique(prefix);
            var open = await SendAsync(HttpMethod.Post, "api/cycles", Token(AppRoles.Staff), JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
            Assert.Equal(HttpStatusCode.Created, open.StatusCode);
            return cycleId;
        }

        public async Task<JsonElement> GetJsonAsync(string path)
        {
            var response = await SendAsync(HttpMethod.Get, path, Token(AppRoles.Staff));
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        public Task<JsonElement> PollAsync(string path, Func<JsonElement, bool> done, int seconds) =>
            LocalHostFixture.PollAsync(http, path, Token(AppRoles.Staff), done, seconds);

        static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process?.Dispose();
            http.Dispose();
        }
    }
}
