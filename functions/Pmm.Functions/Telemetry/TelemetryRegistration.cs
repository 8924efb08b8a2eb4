using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Pmm.Functions.Telemetry;

/// <summary>
/// OpenTelemetry tracing and metrics of <see cref="PmmTelemetry.Name"/>, registered by <c>AddPmm</c> for both hosts.
/// Each exporter runs only when its setting is there: Azure Monitor with <see cref="ConnectionStringSetting"/> (set by
/// infra), OTLP with <see cref="OtlpEndpointSetting"/>, the console with <see cref="ConsoleSetting"/> true. None is
/// on by default, so a local host starts as quietly as before.
/// </summary>
public static class TelemetryRegistration
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Infra sets <c>ClientId=...;Authorization=AAD</c>: Application Insights takes Entra-authenticated telemetry only.</summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ConsoleSetting = "Pmm:Telemetry:Console";

    public const string ServiceName = "pmm-functions";

    public static OpenTelemetryBuilder AddPmmTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var azureMonitor = configuration[ConnectionStringSetting];
        var credential = EntraCredential(configuration[AuthenticationStringSetting]);
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        var console = configuration.GetValue<bool>(ConsoleSetting);
        void AzureMonitor(AzureMonitorExporterOptions o)
        {
            o.ConnectionString = azureMonitor;
            o.Credential = credential;
        }

        return services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(PmmTelemetry.Name);
                if (!string.IsNullOrWhiteSpace(azureMonitor))
                {
                    tracing.AddAzureMonitorTraceExporter(AzureMonitor);
                }

                if (otlp)
                {
                    // Endpoint, protocol and headers come from the standard OTEL_EXPORTER_OTLP_* settings.
                    tracing.AddOtlpExporter();
                }

                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PmmTelemetry.Name);
                if (!string.IsNullOrWhiteSpace(azureMonitor))
                {
                    metrics.AddAzureMonitorMetricExporter(AzureMonitor);
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
    }

    /// <summary>The managed identity an <c>Authorization=AAD</c> authentication string names (none: key-based ingestion).</summary>
    internal static TokenCredential? EntraCredential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
