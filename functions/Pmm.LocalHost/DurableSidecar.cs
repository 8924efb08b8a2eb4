using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;

namespace Pmm.LocalHost;

/// <summary>
/// The durable backend of the local host: the Durable Task Azure Storage provider (the one Durable Functions
/// uses in Azure) on Azurite, served over gRPC by the sidecar of Microsoft.DurableTask.InProcessTestHost.
/// Orchestration state lives in storage, so it survives a restart of the local host.
/// </summary>
sealed class DurableSidecar : IAsyncDisposable
{
    readonly ILoggerFactory loggerFactory;

    DurableSidecar(WebApplication app, Uri address, ILoggerFactory loggerFactory)
    {
        this.loggerFactory = loggerFactory;
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <remarks>Takes ownership of <paramref name="loggerFactory"/>.</remarks>
    public static async Task<DurableSidecar> StartAsync(IConfiguration configuration, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var service = new AzureStorageOrchestrationService(Settings(configuration, loggerFactory));
        await service.CreateIfNotExistsAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        // Only the app host reacts to Ctrl+C; it stops the worker before this sidecar (see LocalFunctionsHost).
        builder.Services.AddSingleton<IHostLifetime, StoppedByOwner>();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DurableSidecar(app, new Uri(address), loggerFactory);
    }

    /// <summary>The provider's settings, taken from host.json's <c>extensions:durableTask</c> as the Functions host takes them.</summary>
    internal static AzureStorageOrchestrationServiceSettings Settings(IConfiguration configuration, ILoggerFactory loggerFactory)
    {
        var durable = configuration.GetSection($"{FunctionsConfiguration.HostSection}:extensions:durableTask");
        var hubName = FunctionsConfiguration.ResolveSetting(configuration, durable["hubName"]) ?? "pmmlocal";
        var connection = configuration["AzureWebJobsStorage"]
            ?? throw new InvalidOperationException("AzureWebJobsStorage is not set: the durable backend needs a storage connection string (UseDevelopmentStorage=true for Azurite).");
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = hubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(connection),
            // A stable worker id lets a restarted host take its partition leases back at once.
            WorkerId = configuration["PMM_WORKER_ID"] ?? $"pmm-localhost-{Environment.MachineName}",
            PartitionCount = durable.GetValue("storageProvider:partitionCount", 4),
            MaxQueuePollingInterval = durable.GetValue("storageProvider:maxQueuePollingInterval", TimeSpan.FromSeconds(2)),
            LoggerFactory = loggerFactory,
        };
        var storage = durable.GetSection("storageProvider");
        // A message taken by a host that dies stays invisible this long; the provider's default (5 min) is what a
        // restarted host waited for. Unset, the provider's default applies, as in Azure.
        if (storage.GetValue<TimeSpan?>("controlQueueVisibilityTimeout") is { } control)
        {
            settings.ControlQueueVisibilityTimeout = control;
        }

        if (storage.GetValue<TimeSpan?>("workItemQueueVisibilityTimeout") is { } workItem)
        {
            settings.WorkItemQueueVisibilityTimeout = workItem;
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
        loggerFactory.Dispose();
    }
}

/// <summary>A host lifetime that ignores process signals: the owner decides when to stop.</summary>
sealed class StoppedByOwner : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
