using Microsoft.Extensions.Configuration;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;

namespace Pmm.IntegrationTests;

/// <summary>
/// The Azurite the test command started (./pmm test sets PMM_TEST_STORAGE to a connection string for
/// private loopback ports). Without it these tests fail loudly rather than pass without storage.
/// </summary>
static class TestStorage
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("PMM_TEST_STORAGE") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("PMM_TEST_STORAGE is not set: run the tests with './pmm test', which starts Azurite and sets it.");

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Settings of a test app: private Azurite, its own task hub, a fresh development signing key.</summary>
    public static Dictionary<string, string?> AppSettings(string taskHub, string signingKey, string schedule = "0 0 0 1 1 *") => new()
    {
        ["AzureWebJobsStorage"] = ConnectionString,
        ["PMM_TASK_HUB"] = taskHub,
        ["PMM_BENCHMARK_SCHEDULE"] = schedule,
        ["PMM_WORKER_ID"] = taskHub,
        ["Pmm:Storage:ConnectionString"] = ConnectionString,
        ["Pmm:Auth:Issuer"] = "https://pmm.test/dev",
        ["Pmm:Auth:Audience"] = "api://pmm-test",
        ["Pmm:Auth:SigningKey"] = signingKey,
        ["Pmm:Benchmarks:MeanThreshold"] = "3",
        ["Pmm:Benchmarks:QuantileThreshold"] = "3",
    };

    public static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    public static AuthOptions Auth(IConfiguration configuration) =>
        configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()!;

    /// <summary>The repository's host.json, copied into a folder with no local.settings.json, so a developer's settings cannot leak into tests.</summary>
    public static string AppRootWithHostJson()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "Pmm.slnx")))
        {
            dir = dir.Parent ?? throw new InvalidOperationException("Repository root (Pmm.slnx) not found above the test assembly.");
        }

        var root = Directory.CreateTempSubdirectory("pmm-test-").FullName;
        File.Copy(Path.Combine(dir.FullName, "host.json"), Path.Combine(root, "host.json"));
        return root;
    }

    public static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
