using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;
using Pmm.Functions.Http;
using Pmm.LocalHost;

namespace Pmm.IntegrationTests;

/// <summary>The local host runs exactly the functions the Azure Functions host would.</summary>
public class FunctionIndexTests
{
    // Every function in the Worker SDK's functions.metadata is indexed by the local host, with the same trigger kind, and nothing else.
    [Fact]
    public void Build_MatchesFunctionsMetadata()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "Pmm.slnx")))
        {
            dir = dir.Parent!;
        }

        var metadataPath = Path.Combine(dir.FullName, "functions", "Pmm.Functions", "bin", configuration, "net10.0", "functions.metadata");
        using var metadata = JsonDocument.Parse(File.ReadAllText(metadataPath));
        var expected = metadata.RootElement.EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings")[0].GetProperty("type").GetString()!))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

        var index = FunctionIndex.Build(typeof(ServiceRegistration).Assembly);
        var actual = index.Http.Select(f => (f.Name, Trigger: "httpTrigger"))
            .Concat(index.Orchestrators.Select(f => (f.Name, Trigger: "orchestrationTrigger")))
            .Concat(index.Activities.Select(f => (f.Name, Trigger: "activityTrigger")))
            .Concat(index.Timers.Select(f => (f.Name, Trigger: "timerTrigger")))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(expected, actual);
    }

    // Routes keep their route parameters, and HTTP verbs come from the attribute.
    [Fact]
    public void Build_HttpRoutesAndVerbs_FromAttributes()
    {
        var index = FunctionIndex.Build(typeof(ServiceRegistration).Assembly);

        var upload = index.Http.Single(f => f.Name == "UploadSubmission");
        Assert.Equal("cycles/{cycleId}/members/{memberCode}/submissions", upload.Route);
        Assert.Equal(["POST"], upload.Verbs);
    }

    // Who may call is declared on every HTTP function, with known roles; a {memberCode} route is Member-scoped and only such a route is.
    [Fact]
    public void EveryHttpFunction_DeclaresAccess()
    {
        var index = FunctionIndex.Build(typeof(ServiceRegistration).Assembly);

        Assert.NotEmpty(index.Http);
        foreach (var function in index.Http)
        {
            var access = function.Method.GetCustomAttribute<AccessAttribute>();
            Assert.True(access is not null, $"{function.Name} has no [Access].");
            Assert.Equal(access.Anonymous, access.Roles.Count == 0);
            Assert.All(access.Roles, r => Assert.Contains(r, AppRoles.All));
            Assert.Equal(function.Route.Contains($"{{{Routes.MemberCodeParameter}}}", StringComparison.Ordinal), access.MemberScoped);
        }

        // Anonymous is said explicitly, and only the health endpoint says it.
        Assert.Equal([nameof(Pmm.Functions.Health.HealthFunctions.GetHealth)], index.Http.Where(f => f.Method.GetCustomAttribute<AccessAttribute>()!.Anonymous).Select(f => f.Name));

        // Nothing but HTTP functions carries it (it would mean nothing there).
        var others = index.Orchestrators.Concat(index.Activities).Select(f => f.Method).Concat(index.Timers.Select(t => t.Method));
        Assert.All(others, m => Assert.Null(m.GetCustomAttribute<AccessAttribute>()));
    }

    // Every HTTP route is one of the Routes constants (the single place URLs are built from).
    [Fact]
    public void EveryHttpRoute_IsARoutesConstant()
    {
        var constants = typeof(Routes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name is not nameof(Routes.Prefix) and not nameof(Routes.MemberCodeParameter))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

        Assert.All(FunctionIndex.Build(typeof(ServiceRegistration).Assembly).Http, f => Assert.Contains(f.Route, constants));
    }

    // URLs are built with the route prefix the Functions host serves under.
    [Fact]
    public void HostJson_RoutePrefix_IsRoutesPrefix()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot().FullName, "host.json")));

        Assert.Equal(Routes.Prefix, hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    // Under Azure Functions the middleware finds each HTTP function's method from its entry point in functions.metadata.
    [Fact]
    public void Middleware_ResolvesEveryHttpEntryPoint()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath()));
        var http = metadata.RootElement.EnumerateArray()
            .Where(f => f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "httpTrigger"))
            .ToList();

        Assert.NotEmpty(http);
        Assert.All(http, f =>
        {
            var method = HttpPipelineMiddleware.MethodOf(f.GetProperty("entryPoint").GetString()!);
            Assert.NotNull(method);
            Assert.Equal(f.GetProperty("name").GetString(), method.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>()!.Name);
        });
    }

    // No URL path is written by hand in the app: "/api/" appears only in comments.
    [Fact]
    public void AppSources_NoHardCodedApiPaths()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(RepositoryRoot().FullName, "functions", "Pmm.Functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal) && Regex.IsMatch(l.Text, "\"[^\"]*/api/"))
            .Select(l => $"{l.File}:{l.Line}")
            .ToList();

        Assert.Empty(offenders);
    }

    static DirectoryInfo RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "Pmm.slnx")))
        {
            dir = dir.Parent!;
        }

        return dir;
    }

    static string MetadataPath()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        return Path.Combine(RepositoryRoot().FullName, "functions", "Pmm.Functions", "bin", configuration, "net10.0", "functions.metadata");
    }
}
