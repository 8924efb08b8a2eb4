using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Tests;

/// <summary>The published JSON Schema of the JSON format agrees with what the reader accepts.</summary>
public class SubmissionSchemaTests
{
    static readonly JsonSchema Schema = JsonSchema.FromText(System.Text.Encoding.UTF8.GetString(ReferenceData.Read(ReferenceData.SubmissionSchemaFile)));

    static readonly JsonSerializerOptions ManifestOptions = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Corpus");

    /// <summary>The JSON corpus files with the rule ids their manifest entry expects.</summary>
    public static TheoryData<string> JsonFiles() => new(Manifest().Select(e => e.File));

    // Every JSON file the engine accepts conforms to the schema; every file whose shape the reader refuses does not.
    [Theory]
    [MemberData(nameof(JsonFiles))]
    public void Schema_CorpusFile_AgreesWithReader(string file)
    {
        var entry = Manifest().Single(e => e.File == file);
        var shapeRefused = entry.Expected.Any(f => f.RuleId is RuleIds.FileUnreadable or RuleIds.RowShape);
        var accepted = entry.Status != ValidationStatus.Rejected;

        var conforms = Conforms(File.ReadAllBytes(Path.Combine(CorpusDirectory, file)));

        if (accepted)
        {
            Assert.True(conforms, $"{file} is accepted but does not conform to the schema");
        }

        if (shapeRefused)
        {
            Assert.False(conforms, $"{file} is refused for its shape but conforms to the schema");
        }
    }

    // The schema is a valid 2020-12 schema that names the properties the reader knows.
    [Fact]
    public void Schema_Document_DescribesReaderProperties()
    {
        var entry = JsonNode.Parse(ReferenceData.Read(ReferenceData.SubmissionSchemaFile))!["$defs"]!["entry"]!["properties"]!.AsObject();

        Assert.Equal(["comment", "item", "reason", "status", "value", "year"], entry.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(Conforms("""{ "values": [ { "item": "DECL_TOTAL", "year": 2025, "value": 1 } ], "disclosure": { "TF-01": "wco" } }"""u8.ToArray()));
        Assert.False(Conforms("""{ "values": [ { "item": "DECL_TOTAL", "year": "2025", "value": 1 } ] }"""u8.ToArray()));
        Assert.False(Conforms("""{ "values": [ { "item": "DECL_TOTAL", "year": 2025, "comment": "x" } ], "disclosure": { "TF-01": 3 } }"""u8.ToArray()));
    }

    static bool Conforms(byte[] bytes)
    {
        JsonNode? node;
        try
        {
            // The reader accepts a UTF-8 byte order mark (it parses a stream); JsonNode over bytes does not skip one.
            var json = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return false;
        }

        return Schema.Evaluate(node).IsValid;
    }

    static List<Entry> Manifest() =>
        [.. JsonSerializer.Deserialize<List<Entry>>(File.ReadAllText(Path.Combine(CorpusDirectory, "manifest.json")), ManifestOptions)!.Where(e => e.File.EndsWith(".json", StringComparison.Ordinal))];

    sealed record Entry(string File, ValidationStatus Status, List<Expected> Expected);

    sealed record Expected(string RuleId);
}
