using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pmm.Functions.Auth;
using Pmm.Functions.Benchmarks;
using Pmm.Functions.Catalogue;
using Pmm.Functions.Cycles;
using Pmm.Functions.Health;
using Pmm.Functions.Http;
using Pmm.Functions.Submissions;
using Pmm.Functions.Telemetry;
using Pmm.Storage;

namespace Pmm.Functions.Configuration;

/// <summary>The application's services, registered the same way by the Functions host and the local host.</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddPmm(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BenchmarkOptions>().Bind(configuration.GetSection(BenchmarkOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BenchmarkOptions>, BenchmarkOptionsValidation>();
        services.AddOptions<UploadOptions>().Bind(configuration.GetSection(UploadOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.AddAzureClients(clients =>
        {
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, provider) =>
            {
                var s = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
                return s.ConnectionString is { Length: > 0 } cs ? new BlobServiceClient(cs, options) : new BlobServiceClient(s.BlobServiceUri, Credential(s), options);
            });
            clients.AddClient<TableServiceClient, TableClientOptions>((options, provider) =>
            {
                var s = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
                return s.ConnectionString is { Length: > 0 } cs ? new TableServiceClient(cs, options) : new TableServiceClient(s.TableServiceUri, Credential(s), options);
            });
        });

        services.AddSingleton<PmmStorage>();
        services.AddSingleton<CycleStore>();
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<CurrentSubmissionStore>();
        services.AddSingleton<BenchmarkStore>();
        services.AddSingleton<ReferenceStore>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<ReferenceDataProvider>();
        services.AddSingleton<RequestAuthenticator>();
        services.AddSingleton<Submissions.SubmissionVersions>();
        services.AddSingleton<HttpPipeline>();
        services.AddSingleton<CycleCommands>();
        services.AddSingleton<SubmissionIntake>();
        services.AddSingleton<BenchmarkQueries>();
        services.AddSingleton<BenchmarkSnapshots>();
        services.AddSingleton<BenchmarkPublishing>();
        services.AddSingleton<ReferencePublishing>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<HealthCheck>();
        services.AddHostedService<StorageInitializer>();
        services.AddPmmTelemetry(configuration);
        return services;
    }

    static TokenCredential Credential(StorageOptions s) =>
        string.IsNullOrWhiteSpace(s.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(s.ManagedIdentityClientId));

    /// <summary>
    /// Creates containers and tables at start-up, before the first request needs them, and stores the embedded
    /// reference versions (so cycles pinned to them keep them when a later release ships new files).
    /// </summary>
    sealed class StorageInitializer(PmmStorage storage, ReferenceDataProvider reference) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await storage.EnsureCreatedAsync(cancellationToken);
            await reference.PublishEmbeddedAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
