using System.Text.Json;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging.Abstractions;
using Pmm.LocalHost;

namespace Pmm.IntegrationTests;

/// <summary>The local host's durable provider runs with the timings host.json gives the Functions host.</summary>
public class DurableSettingsTests
{
    // A message taken by a host killed mid-work is retried only when its visibility timeout ends; the provider's
    // default (5 min) made acknowledged uploads wait minutes after a restart. host.json sets shorter ones and the
    // local host must use the same, not its own.
    [Theory]
    [InlineData("controlQueueVisibilityTimeout")]
    [InlineData("workItemQueueVisibilityTimeout")]
    public void Settings_VisibilityTimeout_IsHostJsonsAndShorterThanTheDefault(string name)
    {
        var appRoot = TestStorage.AppRootWithHostJson();
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(appRoot, "host.json")));
        var expected = TimeSpan.Parse(hostJson.RootElement.GetProperty("extensions").GetProperty("durableTask").GetProperty("storageProvider").GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var configuration = FunctionsConfiguration.Build(appRoot, [], new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        var settings = DurableSidecar.Settings(configuration, NullLoggerFactory.Instance);

        var defaults = new AzureStorageOrchestrationServiceSettings();
        var (actual, providerDefault) = name == "controlQueueVisibilityTimeout"
            ? (settings.ControlQueueVisibilityTimeout, defaults.ControlQueueVisibilityTimeout)
            : (settings.WorkItemQueueVisibilityTimeout, defaults.WorkItemQueueVisibilityTimeout);
        Assert.Equal(expected, actual);
        Assert.True(actual <= TimeSpan.FromMinutes(1) && actual < providerDefault, $"{name} {actual} leaves a killed host's work waiting longer than a minute");
    }
}
