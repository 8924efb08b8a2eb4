using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;
using Pmm.LocalHost;

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
