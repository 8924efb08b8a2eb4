using System.Text.Json;

namespace Pmm.Core.Submissions;

/// <summary>
/// Reads the JSON submission format:
/// <code>{ "values": [ { "item": "DECL_TOTAL", "year": 2025, "value": 1400000 }, ... ] }</code>
/// Values are JSON numbers; <c>null</c> means no value. Findings point with JSON pointers (<c>/values/3/value</c>).
/// </summary>
public static class JsonSubmissionReader
{
    public const string ValuesProperty = "values";

    static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static ParsedSubmission Read(Stream json)
    {
        var findings = new List<Finding>();
        var observations = new List<Observation>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException ex)
        {
            return Unreadable($"The file is not valid JSON: {ex.Message}", $"line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}", (int?)ex.LineNumber + 1);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(ValuesProperty, out var values) || values.ValueKind != JsonValueKind.Array)
            {
                return Unreadable("The JSON must be an object with a 'values' array.", $"/{ValuesProperty}", null);
            }

            var index = 0;
            foreach (var entry in values.EnumerateArray())
            {
                var at = $"/{ValuesProperty}/{index++}";
                if (entry.ValueKind != JsonValueKind.Object
                    || !entry.TryGetProperty("item", out var itemElement) || itemElement.ValueKind != JsonValueKind.String)
                {
                    findings.Add(new Finding(RuleIds.RowShape, Severity.Error, $"Entry {at} needs an 'item' code (a string).", "Each entry is { \"item\": \"CODE\", \"year\": 2025, \"value\": 123 }.", Pointer: at));
                    continue;
                }

                var item = itemElement.GetString()!;
                if (!entry.TryGetProperty("year", out var yearElement) || yearElement.ValueKind != JsonValueKind.Number || !yearElement.TryGetInt32(out var year))
                {
                    findings.Add(new Finding(RuleIds.WrongYear, Severity.Error, $"{item}: 'year' must be a whole number such as 2025.", "Write the year as a number, without quotes.", item, $"{at}/year", Found: yearElement.ValueKind == JsonValueKind.Undefined ? null : yearElement.GetRawText(), Expected: "a four-digit year"));
                    continue;
                }

                if (!entry.TryGetProperty("value", out var valueElement) || valueElement.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (valueElement.ValueKind != JsonValueKind.Number || !valueElement.TryGetDecimal(out var value))
                {
                    findings.Add(new Finding(RuleIds.NotANumber, Severity.Error, $"{item}: {valueElement.GetRawText()} is not a number.", "Write values as JSON numbers with a point as decimal mark and no quotes, e.g. 1234.5.", item, $"{at}/value", Found: valueElement.GetRawText(), Expected: "a number"));
                    observations.Add(new Observation(item, year, null, at));
                    continue;
                }

                observations.Add(new Observation(item, year, value, at));
            }

            if (index == 0)
            {
                findings.Add(new Finding(RuleIds.FileEmpty, Severity.Error, "The 'values' array is empty.", "Add one entry per data item and year.", Pointer: $"/{ValuesProperty}"));
            }

            return new ParsedSubmission(observations, findings, index, "JSON");
        }
    }

    static ParsedSubmission Unreadable(string message, string pointer, int? line) =>
        new([], [new Finding(RuleIds.FileUnreadable, Severity.Error, message, "Send UTF-8 JSON shaped as { \"values\": [ { \"item\": \"CODE\", \"year\": 2025, \"value\": 123 } ] }.", Pointer: pointer, Line: line)], 0, "JSON");
}
