using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;
using Pmm.LocalHost;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>A running local host on a free loopback port, against Azurite, with its own task hub.</summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    public const string Collection = "local host";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public LocalFunctionsHost Host { get; private set; } = null!;

    public IConfiguration Configuration { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public AuthOptions Auth { get; private set; } = null!;

    /// <summary>Provisional benchmarks every 2 seconds, so the timer path is exercised too.</summary>
    public async Task InitializeAsync()
    {
        (Host, Configuration) = await StartAsync(TestStorage.Unique("e2e").Replace("-", "", StringComparison.Ordinal), DevelopmentTokens.NewSigningKey(), "*/2 * * * * *");
        Auth = TestStorage.Auth(Configuration);
        Http = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>Starts a host the way the local host's Program does: host.json, then settings.</summary>
    public static async Task<(LocalFunctionsHost, IConfiguration)> StartAsync(string taskHub, string signingKey, string schedule = "0 0 0 1 1 *")
    {
        var configuration = FunctionsConfiguration.Build(TestStorage.AppRootWithHostJson(), [], TestStorage.AppSettings(taskHub, signingKey, schedule));
        var host = await LocalFunctionsHost.StartAsync(configuration, port: 0, logging: b => b.SetMinimumLevel(LogLevel.Warning), cancellationToken: TestStorage.Timeout(60));
        return (host, configuration);
    }

    public string Token(string role, string? member = null) => DevelopmentTokens.Mint(Auth, role, member);

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request, TestStorage.Timeout());
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null) => SendAsync(Http, method, path, token, content);

    /// <summary>
    /// Polls a JSON resource until <paramref name="done"/> holds, for at most <paramref name="seconds"/>. With
    /// <paramref name="expectFound"/> false a 404 means "not there yet" (a snapshot not computed yet) and is polled again.
    /// </summary>
    public static async Task<JsonElement> PollAsync(HttpClient http, string path, string token, Func<JsonElement, bool> done, int seconds = 30, bool expectFound = true)
    {
        var timeout = TestStorage.Timeout(seconds);
        while (true)
        {
            var response = await SendAsync(http, HttpMethod.Get, path, token);
            if (!expectFound && response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                await Task.Delay(200, timeout);
                continue;
            }

            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json, timeout);
            if (done(body))
            {
                return body;
            }

            await Task.Delay(200, timeout);
        }
    }

    public static StringContent Csv(string text) => new(text, new MediaTypeHeaderValue("text/csv"));

    /// <summary>Opens a cycle for reporting year <paramref name="year"/> over HTTP, as staff; its id starts with <paramref name="prefix"/>.</summary>
    public async Task<string> OpenCycleAsync(string prefix, int year = 2025)
    {
        var cycleId = TestStorage.Unique(prefix);
        var open = await SendAsync(HttpMethod.Post, "api/cycles", Token(AppRoles.Staff), JsonContent.Create(new { cycleId, reportingYear = year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        Xunit.Assert.Equal(System.Net.HttpStatusCode.Created, open.StatusCode);
        return cycleId;
    }

    /// <summary>
    /// Stores a CSV version the way an upload does (same content hash), received at <paramref name="receivedAt"/> (now by
    /// default), but starts no validation: it stays received, as when a host dies between storing and starting.
    /// </summary>
    public async Task<SubmissionRecord> StoreWithoutValidationAsync(string cycleId, string member, string csv, DateTimeOffset? receivedAt = null)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(csv);
        var hash = SubmissionFormats.ContentHash(SubmissionFormats.Read(SubmissionFormats.Csv, new MemoryStream(bytes)), bytes, KpiCatalogue.Embedded);
        var at = receivedAt ?? DateTimeOffset.UtcNow;
        var candidate = new SubmissionRecord(cycleId, member, SubmissionStore.NewSubmissionId(at), SubmissionStatus.Received, at, hash, SubmissionFormats.Csv, bytes.Length, "dev");
        var received = await Host.Services.GetRequiredService<SubmissionStore>().ReceiveAsync(candidate, bytes);
        Xunit.Assert.True(received.Created);
        return received.Record;
    }

    public static string ValidCsv(int year, int total, int electronic) => $"""
        item,year,value
        DECL_TOTAL,{year},{total}
        DECL_ELECTRONIC,{year},{electronic}
        AEO_COUNT,{year},110
        AEO_COUNT,{year - 1},100
        TRADE_VALUE,{year},1000000

        """;
}

[CollectionDefinition(LocalHostFixture.Collection)]
public sealed class LocalHostGroup : ICollectionFixture<LocalHostFixture>;
