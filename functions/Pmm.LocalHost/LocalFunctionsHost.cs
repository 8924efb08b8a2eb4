using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc.Internal;
using Pmm.Functions.Configuration;

namespace Pmm.LocalHost;

/// <summary>
/// A development host for the function app: the same function classes, routes from their attributes, the
/// same services (<see cref="ServiceRegistration.AddPmm"/>), orchestrations on the real durable backend.
/// Production runs on Azure Functions; this exists because Core Tools cannot be installed everywhere.
/// </summary>
public sealed class LocalFunctionsHost : IAsyncDisposable
{
    readonly DurableSidecar sidecar;
    readonly GrpcChannel channel;
    readonly WebApplication app;

    LocalFunctionsHost(DurableSidecar sidecar, GrpcChannel channel, WebApplication app, Uri baseAddress, FunctionIndex index)
    {
        this.sidecar = sidecar;
        this.channel = channel;
        this.app = app;
        BaseAddress = baseAddress;
        Functions = index;
    }

    public Uri BaseAddress { get; }

    public FunctionIndex Functions { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>Completes when the app is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownSignalAsync()
    {
        var stopping = new TaskCompletionSource();
        app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        return stopping.Task;
    }

    /// <summary>Starts the sidecar and the app. <paramref name="port"/> 0 picks a free loopback port.</summary>
    public static async Task<LocalFunctionsHost> StartAsync(IConfiguration configuration, int port, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        var index = FunctionIndex.Build(typeof(ServiceRegistration).Assembly);
        var sidecar = await DurableSidecar.StartAsync(configuration, LoggerFactory.Create(b => ConfigureLogging(b, configuration, logging)), cancellationToken);
        var channel = GrpcChannel.ForAddress(sidecar.Address);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        ConfigureLogging(builder.Logging, configuration, logging);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // The largest body any function accepts (uploads, reference documents); above it Kestrel itself refuses,
            // which HttpPipeline answers as 413 PMM-REQ-004 like the functions' own limits.
            k.Limits.MaxRequestBodySize = configuration.GetSection(UploadOptions.Section).Get<UploadOptions>()?.MaxBytes ?? new UploadOptions().MaxBytes;
            if (port == 0)
            {
                k.Listen(IPAddress.Loopback, 0);
            }
            else
            {
                k.ListenLocalhost(port);
            }
        });
        builder.Services.AddPmm(configuration);
        builder.Services.AddMvcCore();
        builder.Services.AddSingleton(index);
        builder.Services.AddHostedService<TimerScheduler>();
        builder.Services.AddDurableTaskWorker(b =>
        {
            b.AddTasks(registry => FunctionTasks.Register(registry, index));
            b.UseGrpc(grpc =>
            {
                grpc.Channel = channel;

                // The worker treats a quiet work-item stream as a silent disconnect and reconnects; the backend it
                // expects sends health pings, this in-process sidecar does not, so each reconnect would risk a
                // work item dispatched into the dropped stream. The sidecar lives in this process: no detection needed.
                grpc.SetSilentDisconnectTimeout(TimeSpan.Zero);
            });
        });
        builder.Services.AddDurableTaskClient(b => b.UseGrpc(channel));

        var app = builder.Build();
        var routePrefix = configuration[$"{FunctionsConfiguration.HostSection}:extensions:http:routePrefix"] ?? "api";
        HttpFunctionEndpoints.Map(app, index, routePrefix, app.Logger);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await sidecar.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalFunctionsHost(sidecar, channel, app, new Uri(address.Replace("[::1]", "localhost", StringComparison.Ordinal)), index);
    }

    /// <summary>Stops the app (and its durable worker) first, then the sidecar, as the gRPC stream requires.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            await app.StopAsync(timeout.Token);
        }

        await app.DisposeAsync();
        await channel.ShutdownAsync();
        channel.Dispose();
        await sidecar.DisposeAsync();
    }

    static void ConfigureLogging(ILoggingBuilder builder, IConfiguration configuration, Action<ILoggingBuilder>? custom)
    {
        builder.AddConfiguration(configuration.GetSection("Logging"));
        builder.SetMinimumLevel(LogLevel.Information);
        builder.AddFilter("DurableTask", configuration.GetValue("PMM_DURABLE_LOG_LEVEL", LogLevel.Warning));
        builder.AddFilter("Microsoft.DurableTask", configuration.GetValue("PMM_DURABLE_LOG_LEVEL", LogLevel.Warning));
        builder.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.AddFilter("Grpc", LogLevel.Warning);
        builder.AddFilter("Azure", LogLevel.Warning);
        if (custom is null)
        {
            builder.AddSimpleConsole(o => o.SingleLine = true);
        }
        else
        {
            custom(builder);
        }
    }
}
