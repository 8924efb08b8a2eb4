using System.Text.Json;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Formats;

/// <summary>
/// Reads the JSON submission format:
/// <code>
/// {
///   "values": [
///     { "item": "DECL_TOTAL", "year": 2025, "value": 1400000, "comment": "optional remark" },
///     { "item": "LAB_SAMPLES", "year": 2025, "status": "not applicable", "reason": "No Customs laboratory" }
///   ],
///   "disclosure": { "TF-01": "public", "RC-03": "restricted" }
/// }
/// </code>
/// Values are JSON numbers; <c>null</c> or no value with no status means no value. <c>status</c> is "not applicable"
/// (with a <c>reason</c>) or "not available". Findings point with JSON pointers (<c>/values/3/value</c>).
/// </summary>
public static class JsonSubmissionReader
{
    public const string ValuesProperty = "values";
    public const string DisclosureProperty = "disclosure";

    const string Shape = "{ \"values\": [ { \"item\": \"CODE\", \"year\": 2025, \"value\": 123 } ], \"disclosure\": { \"KPI\": \"public\" } }";

    static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static ParsedSubmission Read(Stream json)
    {
        var findings = new List<Finding>();
        var observations = new List<Observation>();
        var disclosures = new List<DisclosureChoice>();
        var comments = new List<ItemComment>();
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
                var comment = OptionalText(entry, "comment", item, at, findings);
                var reason = OptionalText(entry, "reason", item, at, findings);
                var statusText = OptionalText(entry, "status", item, at, findings);
                entry.TryGetProperty("value", out var valueElement);
                var noValue = valueElement.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;
                if (comment is not null)
                {
                    comments.Add(new ItemComment(item, comment, $"{at}/comment"));
                    if (noValue && statusText is null && reason is null && !entry.TryGetProperty("year", out _))
                    {
                        // A comment on the item as a whole.
                        continue;
                    }
                }

                if (!entry.TryGetProperty("year", out var yearElement) || yearElement.ValueKind != JsonValueKind.Number || !yearElement.TryGetInt32(out var year))
                {
                    findings.Add(new Finding(RuleIds.WrongYear, Severity.Error, $"{item}: 'year' must be a whole number such as 2025.", "Write the year as a number, without quotes.", item, $"{at}/year", Found: yearElement.ValueKind == JsonValueKind.Undefined ? null : yearElement.GetRawText(), Expected: "a four-digit year"));
                    continue;
                }

                var state = ValueState.Reported;
                if (statusText is not null && !ValueStates.TryParse(statusText, out state))
                {
                    findings.Add(new Finding(RuleIds.UnknownState, Severity.Error, $"{item}: '{statusText}' is not a status.", ValueStates.Hint(statusText), item, $"{at}/status", Found: statusText, Expected: ValueStates.Expected));
                    observations.Add(new Observation(item, year, null, at) { ItemPointer = $"{at}/item", YearPointer = $"{at}/year" });
                    continue;
                }

                var statePointer = state != ValueState.Reported ? $"{at}/status" : reason is not null ? $"{at}/reason" : null;
                if (noValue)
                {
                    if (state != ValueState.Reported || reason is not null)
                    {
                        observations.Add(new Observation(item, year, null, at) { State = state, Reason = reason, StatePointer = statePointer, ItemPointer = $"{at}/item", YearPointer = $"{at}/year", ValuePointer = $"{at}/value" });
                    }

                    continue;
                }

                if (valueElement.ValueKind != JsonValueKind.Number || !valueElement.TryGetDecimal(out var value))
                {
                    findings.Add(new Finding(RuleIds.NotANumber, Severity.Error, $"{item}: {valueElement.GetRawText()} is not a number.", "Write values as JSON numbers with a point as decimal mark and no quotes, e.g. 1234.5.", item, $"{at}/value", Found: valueElement.GetRawText(), Expected: "a number"));
                    observations.Add(new Observation(item, year, null, at) { State = state, Reason = reason, StatePointer = statePointer, ItemPointer = $"{at}/item", YearPointer = $"{at}/year", ValuePointer = $"{at}/value" });
                    continue;
                }

                observations.Add(new Observation(item, year, value, at) { State = state, Reason = reason, StatePointer = statePointer, ItemPointer = $"{at}/item", YearPointer = $"{at}/year", ValuePointer = $"{at}/value" });
            }

            ReadDisclosure(root, disclosures, findings);
            if (index == 0)
            {
                findings.Add(new Finding(RuleIds.FileEmpty, Severity.Error, "The 'values' array is empty.", "Add one entry per data item and year.", Pointer: $"/{ValuesProperty}"));
            }

            return new ParsedSubmission(observations, findings, index, "JSON") { Disclosures = disclosures, Comments = comments };
        }
    }

    /// <summary>The optional "disclosure" object: KPI code → level, each a string.</summary>
    static void ReadDisclosure(JsonElement root, List<DisclosureChoice> disclosures, List<Finding> findings)
    {
        if (!root.TryGetProperty(DisclosureProperty, out var disclosure) || disclosure.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (disclosure.ValueKind != JsonValueKind.Object)
        {
            findings.Add(new Finding(RuleIds.RowShape, Severity.Error, "'disclosure' must be an object mapping KPI codes to disclosure levels.", "Write e.g. \"disclosure\": { \"TF-01\": \"public\" }.", Pointer: $"/{DisclosureProperty}", Found: disclosure.GetRawText()));
            return;
        }

        foreach (var property in disclosure.EnumerateObject())
        {
            var at = $"/{DisclosureProperty}/{Escape(property.Name)}";
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                findings.Add(new Finding(RuleIds.InvalidDisclosureLevel, Severity.Error, $"The disclosure level of {property.Name} must be a string.", "Write the level's name in quotes, e.g. \"public\".", property.Name, at, Found: property.Value.GetRawText()));
                continue;
            }

            disclosures.Add(new DisclosureChoice(property.Name, property.Value.GetString()!, at));
        }
    }

    /// <summary>A string property, trimmed; null when absent, null or empty; a finding when not a string.</summary>
    static string? OptionalText(JsonElement entry, string name, string item, string at, List<Finding> findings)
    {
        if (!entry.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            findings.Add(new Finding(RuleIds.RowShape, Severity.Error, $"{item}: '{name}' must be a string.", $"Write the {name} in quotes.", item, $"{at}/{name}", Found: element.GetRawText()));
            return null;
        }

        var text = element.GetString()!.Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>A JSON pointer reference token (RFC 6901).</summary>
    static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    static ParsedSubmission Unreadable(string message, string pointer, int? line) =>
        new([], [new Finding(RuleIds.FileUnreadable, Severity.Error, message, $"Send UTF-8 JSON shaped as {Shape}.", Pointer: pointer, Line: line)], 0, "JSON");
}
