using System.Runtime.InteropServices;
using System.Text;
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
        ArgumentNullException.ThrowIfNull(json);
        if (json is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            return Read(buffer.AsMemory((int)memory.Position));
        }

        using var copy = new MemoryStream();
        json.CopyTo(copy);
        return Read(copy.GetBuffer().AsMemory(0, (int)copy.Length));
    }

    static ParsedSubmission Read(ReadOnlyMemory<byte> bytes)
    {
        var findings = new FindingList();
        var observations = new List<Observation>();
        var disclosures = new List<DisclosureChoice>();
        var comments = new List<ItemComment>();
        var text = bytes.Span.StartsWith(Utf8Bom) ? bytes[Utf8Bom.Length..] : bytes;

        // The JSON reader takes bytes that are not UTF-8, and escapes of half a character (\ud800), as they come; they
        // failed only when the text was read, as a 500. They are found first, with a line and byte to point at.
        if (text.Span is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            return Unreadable("The file is UTF-16 text; JSON submissions must be UTF-8.", "line 1, byte 1", 1);
        }

        if (InvalidUtf8.Find(text.Span) is { } bad)
        {
            return Unreadable($"The file is not UTF-8 text: line {bad.Line}, byte {bad.ByteInLine} holds the byte 0x{bad.Value:X2}, which UTF-8 does not allow there.", $"line {bad.Line}, byte {bad.ByteInLine}", bad.Line);
        }

        if (LoneSurrogate(text.Span) is { } lone)
        {
            return Unreadable($"The string at line {lone.Line}, byte {lone.Byte} has an escape of half a character ({lone.Escape}): a \\uD800-\\uDFFF escape must be one of a pair that makes one character.", $"line {lone.Line}, byte {lone.Byte}", lone.Line);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, Options);
        }
        catch (JsonException ex)
        {
            // The parser's own message is for programmers; the position is what helps.
            var at = $"line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}";
            var message = TooDeep(text.Span)
                ? $"The file is not valid JSON for a submission: it nests objects or arrays more than {Options.MaxDepth} levels deep, the depth limit (at {at})."
                : $"The file is not valid JSON: the text at {at} cannot be read there (look for a missing comma, quote, bracket or brace just before it, or text that is not JSON).";
            return Unreadable(message, at, (int?)ex.LineNumber + 1);
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
                    if (findings.Omit(RuleIds.RowShape, Severity.Error))
                    {
                        continue;
                    }

                    findings.Add(new Finding(RuleIds.RowShape, Severity.Error, $"Entry {at} needs an 'item' code (a string).", "Each entry is { \"item\": \"CODE\", \"year\": 2025, \"value\": 123 }.", Pointer: at));
                    continue;
                }

                var item = UserText.Code(itemElement.GetString()!);
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
                    if (!findings.Omit(RuleIds.WrongYear, Severity.Error))
                    {
                        findings.Add(new Finding(RuleIds.WrongYear, Severity.Error, $"{UserText.Excerpt(item)}: 'year' must be a whole number such as 2025.", "Write the year as a number, without quotes.", item, $"{at}/year", Found: yearElement.ValueKind == JsonValueKind.Undefined ? null : Raw(yearElement), Expected: "a four-digit year"));
                    }

                    continue;
                }

                var state = ValueState.Reported;
                if (statusText is not null && !ValueStates.TryParse(statusText, out state))
                {
                    if (!findings.Omit(RuleIds.UnknownState, Severity.Error))
                    {
                        var found = UserText.Excerpt(statusText);
                        findings.Add(new Finding(RuleIds.UnknownState, Severity.Error, $"{UserText.Excerpt(item)}: '{found}' is not a status.", ValueStates.Hint(statusText), item, $"{at}/status", Found: found, Expected: ValueStates.Expected));
                    }

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
                    if (!findings.Omit(RuleIds.NotANumber, Severity.Error))
                    {
                        var found = Raw(valueElement);
                        findings.Add(new Finding(RuleIds.NotANumber, Severity.Error, $"{UserText.Excerpt(item)}: {found} is not a number.", "Write values as JSON numbers with a point as decimal mark and no quotes, e.g. 1234.5.", item, $"{at}/value", Found: found, Expected: "a number"));
                    }

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
    static void ReadDisclosure(JsonElement root, List<DisclosureChoice> disclosures, FindingList findings)
    {
        if (!root.TryGetProperty(DisclosureProperty, out var disclosure) || disclosure.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (disclosure.ValueKind != JsonValueKind.Object)
        {
            findings.Add(new Finding(RuleIds.RowShape, Severity.Error, "'disclosure' must be an object mapping KPI codes to disclosure levels.", "Write e.g. \"disclosure\": { \"TF-01\": \"public\" }.", Pointer: $"/{DisclosureProperty}", Found: Raw(disclosure)));
            return;
        }

        foreach (var property in disclosure.EnumerateObject())
        {
            var kpi = UserText.Code(property.Name);
            var at = $"/{DisclosureProperty}/{Escape(kpi)}";
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                if (!findings.Omit(RuleIds.InvalidDisclosureLevel, Severity.Error))
                {
                    findings.Add(new Finding(RuleIds.InvalidDisclosureLevel, Severity.Error, $"The disclosure level of {UserText.Excerpt(kpi)} must be a string.", "Write the level's name in quotes, e.g. \"public\".", kpi, at, Found: Raw(property.Value)));
                }

                continue;
            }

            disclosures.Add(new DisclosureChoice(kpi, UserText.Code(property.Value.GetString()!), at));
        }
    }

    /// <summary>A string property, trimmed; null when absent, null or empty; a finding when not a string.</summary>
    static string? OptionalText(JsonElement entry, string name, string item, string at, FindingList findings)
    {
        if (!entry.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            if (!findings.Omit(RuleIds.RowShape, Severity.Error))
            {
                findings.Add(new Finding(RuleIds.RowShape, Severity.Error, $"{UserText.Excerpt(item)}: '{name}' must be a string.", $"Write the {name} in quotes.", item, $"{at}/{name}", Found: Raw(element)));
            }

            return null;
        }

        var text = UserText.LongText(element.GetString()!.Trim());
        return text.Length == 0 ? null : text;
    }

    /// <summary>An element's JSON text as a finding shows it: at most <see cref="UserText.MaxShown"/> characters.</summary>
    static string Raw(JsonElement element) =>
        element.ValueKind is JsonValueKind.String or JsonValueKind.Object or JsonValueKind.Array && JsonMarshal.GetRawUtf8Value(element).Length > 4 * UserText.MaxShown
            ? UserText.Excerpt(Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(element)[..(4 * UserText.MaxShown)]))
            : UserText.Excerpt(element.GetRawText());

    /// <summary>True when the text nests deeper than <see cref="Options"/> allow (the reason a parse failed, if so).</summary>
    static bool TooDeep(ReadOnlySpan<byte> text)
    {
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 1024 });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= Options.MaxDepth)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // A syntax error before the depth limit: not too deep.
        }

        return false;
    }

    /// <summary>
    /// The first string (or property name) whose \u escapes leave half a character (a lone surrogate), which cannot be
    /// made into text; null when there is none. Only files with such an escape are read token by token.
    /// </summary>
    internal static (int Line, int Byte, string Escape)? LoneSurrogate(ReadOnlySpan<byte> text)
    {
        if (text.IndexOf("\\ud"u8) < 0 && text.IndexOf("\\uD"u8) < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(text, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = Options.MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped)
                {
                    continue;
                }

                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    var start = (int)reader.TokenStartIndex;
                    var before = text[..start];
                    var line = before.Count((byte)'\n') + 1;
                    var lineStart = before.LastIndexOf((byte)'\n') + 1;
                    var raw = reader.HasValueSequence ? [] : reader.ValueSpan;
                    var escape = raw.IndexOf("\\u"u8) is var e and >= 0 && e + 6 <= raw.Length ? Encoding.UTF8.GetString(raw.Slice(e, 6)) : "\\u....";
                    return (line, start - lineStart + 1, escape);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the parse that follows says where.
        }

        return null;
    }

    /// <summary>A JSON pointer reference token (RFC 6901).</summary>
    static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    static ParsedSubmission Unreadable(string message, string pointer, int? line) =>
        new([], [new Finding(RuleIds.FileUnreadable, Severity.Error, message, $"Send UTF-8 JSON shaped as {Shape}.", Pointer: pointer, Line: line)], 0, "JSON");
}
