using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;
using Pmm.LocalHost;

namespace Pmm.IntegrationTests;

/// <summary>What the app refuses and prints at start-up.</summary>
public class StartupTests
{
    static async Task StartAsync(Action<Dictionary<string, string?>> change)
    {
        var settings = TestStorage.AppSettings("unused", DevelopmentTokens.NewSigningKey());
        change(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddPmm(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync(TestStorage.Timeout());
        await host.StopAsync(TestStorage.Timeout());
    }

    /// <summary>The options validation failure that stopped the start (the host reports them together in an AggregateException).</summary>
    static async Task<OptionsValidationException> RefusalAsync(Action<Dictionary<string, string?>> change)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(change));
        return ex as OptionsValidationException ?? Assert.IsType<OptionsValidationException>(Assert.IsType<AggregateException>(ex).InnerExceptions[0]);
    }

    // A disclosure threshold below 3 would let one Member read another's value off a published group, and a quantile
    // threshold below the mean one would publish medians of groups whose mean is withheld: refused at every start (with
    // Entra ID or a development key alike), naming the setting.
    [Theory]
    [InlineData(true, "2", "10")]
    [InlineData(false, "1", "10")]
    [InlineData(false, "5", "4")]
    [InlineData(true, "3", "2")]
    public async Task Start_DisclosureThresholdsUnsafe_Refused(bool entraId, string mean, string quantile)
    {
        var refusal = await RefusalAsync(s =>
        {
            if (entraId)
            {
                s["Pmm:Auth:SigningKey"] = null;
                s["Pmm:Auth:Authority"] = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0";
            }

            s["Pmm:Benchmarks:MeanThreshold"] = mean;
            s["Pmm:Benchmarks:QuantileThreshold"] = quantile;
        });

        Assert.Contains("Pmm:Benchmarks", refusal.Message, StringComparison.Ordinal);
    }

    // Three and three are accepted with Entra ID (guards the test above against refusing everything).
    [Fact]
    public async Task Start_EntraIdWithThresholdsThree_Starts()
    {
        await StartAsync(s =>
        {
            s["Pmm:Auth:SigningKey"] = null;
            s["Pmm:Auth:Authority"] = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0";
            s["Pmm:Benchmarks:MeanThreshold"] = "3";
            s["Pmm:Benchmarks:QuantileThreshold"] = "3";
        });
    }

    // A signing key anyone can guess (all zero, one repeated byte) or too short is refused, naming the setting.
    [Theory]
    [InlineData(0, 32)]
    [InlineData(0, 64)]
    [InlineData(0x41, 32)]
    [InlineData(7, 16)]
    public async Task Start_GuessableSigningKey_Refused(int value, int length)
    {
        var key = Convert.ToBase64String(Enumerable.Repeat((byte)value, length).ToArray());

        var refusal = await RefusalAsync(s => s["Pmm:Auth:SigningKey"] = key);

        Assert.Contains("Pmm:Auth:SigningKey", refusal.Message, StringComparison.Ordinal);
    }

    // The local host's banner shows where storage is, never its account key.
    [Fact]
    public void Banner_StorageConnectionString_EndpointOnly()
    {
        const string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
        }).Build();

        var text = Banner.Text(new Uri("http://localhost:7071/"), FunctionIndex.Build(typeof(ServiceRegistration).Assembly), configuration);

        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", text, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:10000/devstoreaccount1", text, StringComparison.Ordinal);
    }
}
