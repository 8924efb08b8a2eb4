using System.Text.Json;

namespace Pmm.LocalHost;

/// <summary>
/// Builds configuration the way the Functions host presents it to the app: host.json under
/// <c>AzureFunctionsJobHost</c>, local.settings.json <c>Values</c> as settings (<c>__</c> meaning <c>:</c>),
/// then environment variables and the command line, which win.
/// </summary>
public static class FunctionsConfiguration
{
    public const string HostSection = "AzureFunctionsJobHost";

    public static IConfigurationRoot Build(string appRoot, string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(ReadHostJson(Path.Combine(appRoot, "host.json")))
            .AddInMemoryCollection(ReadLocalSettings(Path.Combine(appRoot, "local.settings.json")))
            .AddEnvironmentVariables()
            .AddCommandLine(args);
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder.Build();
    }

    /// <summary>The folder holding host.json: the current directory or one above it (the repository root), else the app's folder.</summary>
    public static string FindAppRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "host.json")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }

    /// <summary>Resolves a host.json value of the form <c>%Setting%</c> from configuration, as the Functions host does.</summary>
    public static string? ResolveSetting(IConfiguration configuration, string? value) =>
        value is { Length: > 2 } && value[0] == '%' && value[^1] == '%' ? configuration[value[1..^1]] : value;

    static Dictionary<string, string?> ReadHostJson(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (File.Exists(path))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            Flatten(doc.RootElement, HostSection, values);
        }

        return values;
    }

    static Dictionary<string, string?> ReadLocalSettings(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (File.Exists(path))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.TryGetProperty("Values", out var settings))
            {
                foreach (var setting in settings.EnumerateObject())
                {
                    values[setting.Name.Replace("__", ":", StringComparison.Ordinal)] = setting.Value.ToString();
                }
            }
        }

        return values;
    }

    static void Flatten(JsonElement element, string prefix, Dictionary<string, string?> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    Flatten(p.Value, $"{prefix}:{p.Name}", values);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{prefix}:{i++}", values);
                }

                break;
            default:
                values[prefix] = element.ToString();
                break;
        }
    }
}
