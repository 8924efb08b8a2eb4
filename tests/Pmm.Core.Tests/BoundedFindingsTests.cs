using System.Globalization;
using System.Text;
using System.Text.Json;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Tests;

/// <summary>
/// What a file costs is bounded: at most <see cref="FindingList.MaxListed"/> findings and one summary, codes and texts cut
/// early, no finding echoing more than about <see cref="UserText.MaxShown"/> characters of what the user wrote, and bytes
/// that are not text reported with a pointer instead of failing.
/// </summary>
public class BoundedFindingsTests
{
    static readonly KpiCatalogue Catalogue = KpiCatalogue.Embedded;
    static readonly SubmissionValidator Validator = new(Catalogue);

    static ParsedSubmission Csv(string text) => CsvSubmissionReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    static ParsedSubmission Json(string text) => JsonSubmissionReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    static ParsedSubmission Json(byte[] bytes) => JsonSubmissionReader.Read(new MemoryStream(bytes));

    static int RequiredItemYears => Catalogue.Items.Where(i => i.Required).Sum(i => i.PreviousYear ? 2 : 1);

    static string UnknownCodesCsv(int count)
    {
        var csv = new StringBuilder("item,year,value\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"UNKNOWN_{i},{TestData.Year},1\n");
        }

        return csv.ToString();
    }

    // 5,000 unknown codes: 200 findings listed, then one error summary counting the rest by rule id; the error count
    // still counts every one (they all reject), and the result holds 201 findings.
    [Fact]
    public void Validate_ThousandsOfUnknownCodes_200ListedAndOneSummary()
    {
        var result = Validator.Validate(Csv(UnknownCodesCsv(5000)), TestData.Year);

        Assert.Equal(FindingList.MaxListed + 1, result.Findings.Count);
        Assert.All(result.Findings.Take(FindingList.MaxListed), f => Assert.Equal(RuleIds.UnknownItem, f.RuleId));
        var summary = result.Findings[^1];
        Assert.Equal((RuleIds.TooManyFindings, Severity.Error, "file"), (summary.RuleId, summary.Severity, summary.Pointer));
        Assert.Equal($"{5000 + RequiredItemYears - 200:N0} more findings not listed ({5000 + RequiredItemYears - 200:N0} of them errors): PMM-ITEM-001 × 4,800, PMM-ITEM-003 × {RequiredItemYears}.", summary.Message);
        Assert.Equal(ValidationStatus.Rejected, result.Status);
        Assert.Equal(5000 + RequiredItemYears, result.Errors);
        Assert.Equal(0, result.Warnings);
    }

    // The result of such a file, as stored and returned, stays small: its canonical form holds only what the catalogue
    // knows (the unknown codes are findings already), each item and year once.
    [Fact]
    public void Validate_ThousandsOfUnknownCodes_ResultStaysSmall()
    {
        var csv = UnknownCodesCsv(5000) + $"DECL_TOTAL,{TestData.Year},1\nDECL_TOTAL,{TestData.Year},2\n";

        var result = Validator.Validate(Csv(csv), TestData.Year);

        Assert.Equal([new CanonicalValue("DECL_TOTAL", TestData.Year, 1)], result.Canonical!.Values);
        Assert.True(JsonSerializer.SerializeToUtf8Bytes(result).Length < 100 * 1024);
    }

    // A reader's own findings stop at the cap too (here 3,000 lines with a bad year), and the validator adds its own
    // to the count without ever listing more than 201.
    [Fact]
    public void ReadAndValidate_ReaderFindingsBeyondCap_CountedOnce()
    {
        var json = new StringBuilder("{ \"values\": [");
        for (var i = 0; i < 3000; i++)
        {
            json.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")} {{ \"item\": \"DECL_TOTAL\", \"year\": \"y{i}\", \"value\": 1 }}");
        }

        var parsed = Json(json.Append("] }").ToString());
        var result = Validator.Validate(parsed, TestData.Year);

        Assert.Equal(FindingList.MaxListed + 1, parsed.Findings.Count);
        Assert.Equal(FindingList.MaxListed + 1, result.Findings.Count);
        Assert.Equal(3000 + RequiredItemYears, result.Errors);
        Assert.Contains("PMM-YEAR-001 × 2,800", result.Findings[^1].Message, StringComparison.Ordinal);
    }

    // The summary is a warning when only warnings were left out, and an error as soon as one error was.
    [Fact]
    public void FindingList_Summary_SeverityOfWhatWasLeftOut()
    {
        static Finding Of(Severity severity) => new("PMM-X-001", severity, "m", "h");
        var warnings = new FindingList();
        var mixed = new FindingList();
        for (var i = 0; i < 205; i++)
        {
            warnings.Add(Of(Severity.Warning));
            mixed.Add(Of(i == 204 ? Severity.Error : Severity.Warning));
        }

        Assert.Equal((201, Severity.Warning, false, 205), (warnings.Count, warnings[^1].Severity, warnings.HasErrors, warnings.Warnings));
        Assert.Equal((201, Severity.Error, true, 1, 204), (mixed.Count, mixed[^1].Severity, mixed.HasErrors, mixed.Errors, mixed.Warnings));
        Assert.Equal(RuleIds.TooManyFindings, mixed[mixed.Count - 1].RuleId);
    }

    // A 1 MB item code (in JSON and CSV) is cut to 64 characters when read: reported as unknown, with no suggestion
    // computed against it and no finding longer than a sentence.
    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    public void Validate_MegabyteItemCode_CutAndReportedBriefly(string format)
    {
        var code = new string('A', 1024 * 1024);
        var parsed = format == "json"
            ? Json($$"""{ "values": [ { "item": "{{code}}", "year": {{TestData.Year}}, "value": 1 } ] }""")
            : Csv($"item,year,value\n{code},{TestData.Year},1\n");

        var finding = Validator.Validate(parsed, TestData.Year).Findings.Single(f => f.RuleId == RuleIds.UnknownItem);

        Assert.Equal(new string('A', 64) + "…", finding.ItemCode);
        Assert.Null(finding.Expected);
        Assert.True(finding.Message.Length < 300, finding.Message);
        Assert.True(finding.Found!.Length <= UserText.MaxShown + 1, finding.Found);
    }

    // A 1 MB comment or reason is kept to 2,001 characters when read: enough to say it is too long (PMM-TEXT-001).
    [Fact]
    public void Read_MegabyteComment_KeptTo2001Characters()
    {
        var text = new string('c', 1024 * 1024);
        var parsed = Json($$"""{ "values": [ { "item": "DECL_TOTAL", "year": {{TestData.Year}}, "value": 1, "comment": "{{text}}" } ] }""");

        var comment = Assert.Single(parsed.Comments);
        Assert.Equal(SubmissionValidator.MaxTextLength + 1, comment.Text.Length);
        Assert.Contains(Validator.Validate(parsed, TestData.Year).Findings, f => f.RuleId == RuleIds.TextTooLong && f.Pointer == "/values/0/comment");
    }

    // A value of a megabyte of text is shown as its first hundred characters.
    [Fact]
    public void Read_MegabyteValue_FindingShowsExcerpt()
    {
        var parsed = Csv($"item,year,value\nDECL_TOTAL,{TestData.Year},{new string('x', 1024 * 1024)}\n");

        var finding = Assert.Single(parsed.Findings);

        Assert.Equal(RuleIds.NotANumber, finding.RuleId);
        Assert.Equal(new string('x', UserText.MaxShown) + "…", finding.Found);
        Assert.True(finding.Message.Length < 200);
    }

    // An invalid UTF-8 byte in a JSON string was read as text only when used, and failed as a 500; it is PMM-FILE-002
    // pointing at its line and byte.
    [Fact]
    public void Read_JsonWithInvalidUtf8_PointedFinding()
    {
        var bytes = Encoding.UTF8.GetBytes($"{{ \"values\": [\n  {{ \"item\": \"DECL_TOTAL\", \"year\": {TestData.Year}, \"value\": 1 }},\n  {{ \"item\": \"AB?\", \"year\": {TestData.Year}, \"value\": 1 }}\n] }}");
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0xFF;

        var finding = Assert.Single(Json(bytes).Findings);

        Assert.Equal((RuleIds.FileUnreadable, "line 3, byte 16", 3), (finding.RuleId, finding.Pointer, finding.Line));
        Assert.Contains("0xFF", finding.Message, StringComparison.Ordinal);
    }

    // A lone surrogate escape (\ud800) in an item code or a disclosure KPI is PMM-FILE-002 pointing at the string.
    [Theory]
    [InlineData("{ \"values\": [ { \"item\": \"A\\ud800\", \"year\": 2025, \"value\": 1 } ] }", "line 1, byte 25")]
    [InlineData("{ \"values\": [ { \"item\": \"DECL_TOTAL\", \"year\": 2025, \"value\": 1 } ],\n \"disclosure\": { \"\\uDC00\": \"public\" } }", "line 2, byte 18")]
    public void Read_JsonWithLoneSurrogate_PointedFinding(string json, string pointer)
    {
        var finding = Assert.Single(Json(json).Findings);

        Assert.Equal((RuleIds.FileUnreadable, pointer), (finding.RuleId, finding.Pointer));
        Assert.Contains("half a character", finding.Message, StringComparison.Ordinal);
    }

    // A valid surrogate pair (an emoji) in a comment is text like any other.
    [Fact]
    public void Read_JsonWithSurrogatePair_Read()
    {
        var parsed = Json($$"""{ "values": [ { "item": "DECL_TOTAL", "year": {{TestData.Year}}, "value": 1, "comment": "ok \ud83d\ude00" } ] }""");

        Assert.Empty(parsed.Findings);
        Assert.Equal("ok 😀", Assert.Single(parsed.Comments).Text);
    }

    // Invalid UTF-8 in a CSV file is pointed at by line and character (the decoder only knew a position in its buffer).
    [Fact]
    public void Read_CsvWithInvalidUtf8_PointedByLineAndCharacter()
    {
        var bytes = Encoding.UTF8.GetBytes($"item,year,value\nDECL_TOTAL,{TestData.Year},1\nDÉCL_?,{TestData.Year},1\n");
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0xE9;

        var finding = Assert.Single(CsvSubmissionReader.Read(new MemoryStream(bytes)).Findings);

        Assert.Equal((RuleIds.FileUnreadable, "line 3, character 6", 3, 6), (finding.RuleId, finding.Pointer, finding.Line, finding.Column));
        Assert.Contains("0xE9", finding.Message, StringComparison.Ordinal);
    }

    // A finding's text shows at most about a hundred characters of user text, control characters made visible.
    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("\0", "\\u0000")]
    public void Excerpt_ShortText_ControlCharactersVisible(string text, string shown) => Assert.Equal(shown, UserText.Excerpt(text));

    [Fact]
    public void Excerpt_LongText_CutWithEllipsisNeverHalfACharacter()
    {
        Assert.Equal(new string('a', 100) + "…", UserText.Excerpt(new string('a', 5000)));
        Assert.Equal(new string('a', 99) + "…", UserText.Excerpt(new string('a', 99) + "😀😀"));
        Assert.Equal(string.Concat(Enumerable.Repeat("\\u0001", 16)) + "…", UserText.Excerpt(new string('\u0001', 50)));
    }
}
