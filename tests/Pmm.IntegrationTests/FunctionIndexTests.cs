using System.Text.Json;
using Pmm.Functions.Configuration;
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
}
