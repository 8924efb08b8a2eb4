using Azure.Storage.Blobs;

namespace Pmm.LocalHost;

/// <summary>What the local host prints when it starts. Never a secret: the storage account is shown by its endpoint only.</summary>
public static class Banner
{
    public static string Text(Uri baseAddress, FunctionIndex functions, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(configuration);
        var prefix = configuration[$"{FunctionsConfiguration.HostSection}:extensions:http:routePrefix"] ?? "api";
        return $"""

            PMM local host: {baseAddress}{prefix}  ({functions.Count} functions: {functions.Http.Count} HTTP, {functions.Orchestrators.Count} orchestrators, {functions.Activities.Count} activities, {functions.Timers.Count} timers)
            Durable backend: Azure Storage provider on {StorageEndpoint(configuration["AzureWebJobsStorage"])}
            Get a development token:   ./pmm token Staff | ./pmm token Member KEN | ./pmm token Reader
            Try:  curl -H "Authorization: Bearer $(./pmm token Staff)" {baseAddress}{prefix}/cycles
            Ctrl+C stops.
            """;
    }

    /// <summary>The blob endpoint a storage connection string names, without its account key or SAS.</summary>
    public static string StorageEndpoint(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "(AzureWebJobsStorage is not set)";
        }

        try
        {
            var uri = new BlobServiceClient(connectionString).Uri;
            return new UriBuilder(uri) { Query = "", UserName = "", Password = "" }.Uri.ToString();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return "(a storage connection string that could not be read)";
        }
    }
}
