using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Tests;

public class SubmissionValidatorTests
{
    static readonly SubmissionValidator Validator = new(KpiCatalogue.LoadEmbedded());

    static ValidationResult Validate(string csv) => Validator.Validate(TestData.Read(csv), TestData.Year);

    // A complete file is accepted and its KPIs are computed from the formulas.
    [Fact]
    public void Validate_CompleteFile_AcceptedWithKpis()
    {
        var result = Validate(TestData.ValidCsv());

        Assert.Equal(ValidationStatus.Accepted, result.Status);
        Assert.Empty(result.Findings);
        Assert.Equal(98.5m, result.KpiValues["TF-01"]);
        Assert.Equal(20m, result.KpiValues["TF-02"]);
        Assert.Equal(50m, result.KpiValues["TF-03"]);
        Assert.False(result.KpiValues.ContainsKey("TF-04"));
    }

    // Each structural mistake gets its own rule id and points at its line.
    [Theory]
    [InlineData("DECL_TOTL,2025,5", RuleIds.UnknownItem)]
    [InlineData("DECL_TOTAL,2023,5", RuleIds.WrongYear)]
    [InlineData("DECL_TOTAL,2024,5", RuleIds.WrongYear)]
    [InlineData("DECL_TOTAL,2025,5", RuleIds.DuplicateItem)]
    [InlineData("SHIPMENTS_TOTAL,2025,-1", RuleIds.OutOfBounds)]
    [InlineData("SHIPMENTS_TOTAL,2025,10.5", RuleIds.NotAnInteger)]
    public void Validate_BadLine_RejectedWithRuleAndLine(string line, string ruleId)
    {
        var result = Validate(TestData.ValidCsv() + line + "\n");

        Assert.Equal(ValidationStatus.Rejected, result.Status);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(ruleId, finding.RuleId);
        Assert.Equal(8, finding.Line);
        Assert.Empty(result.KpiValues);
    }

    // A required item that is absent is reported once per missing year.
    [Fact]
    public void Validate_MissingPreviousYear_ReportsMissingItem()
    {
        var csv = TestData.ValidCsv().Replace($"AEO_COUNT,{TestData.Year - 1},100\n", "", StringComparison.Ordinal);

        var result = Validate(csv);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(RuleIds.MissingRequiredItem, finding.RuleId);
        Assert.Equal("AEO_COUNT", finding.ItemCode);
        Assert.Contains("2024", finding.Message, StringComparison.Ordinal);
    }

    // An item given with an unreadable value is reported as unreadable, not also as missing.
    [Fact]
    public void Validate_UnreadableValue_NotAlsoMissing()
    {
        var csv = TestData.ValidCsv().Replace("DECL_TOTAL,2025,1000", "DECL_TOTAL,2025,abc", StringComparison.Ordinal);

        var result = Validate(csv);

        Assert.Equal(RuleIds.NotANumber, Assert.Single(result.Findings).RuleId);
    }

    // Item codes are matched without regard to case, and reported in the catalogue's spelling.
    [Fact]
    public void Validate_LowerCaseCodes_Accepted()
    {
        var result = Validate(TestData.ValidCsv().ToLowerInvariant().Replace("item,year,value", "item,year,value", StringComparison.Ordinal));

        Assert.Equal(ValidationStatus.Accepted, result.Status);
        Assert.Equal(98.5m, result.KpiValues["TF-01"]);
    }

    // A mistyped code gets the nearest catalogue code as a suggestion; a code far from all gets none.
    [Theory]
    [InlineData("DECL_TOTL", "DECL_TOTAL")]
    [InlineData("aeo_counts", "AEO_COUNT")]
    [InlineData("SOMETHING_ELSE", null)]
    public void Validate_UnknownCode_DidYouMean(string code, string? suggestion)
    {
        var result = Validate(TestData.ValidCsv() + $"{code},2025,5\n");

        var finding = Assert.Single(result.Findings);
        Assert.Equal(suggestion, finding.Expected);
        Assert.Equal(suggestion is not null, finding.Message.Contains("Did you mean", StringComparison.Ordinal));
    }

    // A part larger than its total breaks a catalogue rule: an error at the part's line, with both values shown.
    [Fact]
    public void Validate_PartAboveTotal_RuleError()
    {
        var result = Validate(TestData.ValidCsv().Replace("DECL_ELECTRONIC,2025,985", "DECL_ELECTRONIC,2025,1985", StringComparison.Ordinal));

        Assert.Equal(ValidationStatus.Rejected, result.Status);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(("PMM-RULE-001", "line 3, column 3", "DECL_ELECTRONIC = 1985 > DECL_TOTAL = 1000"), (finding.RuleId, finding.Pointer, finding.Found));
    }

    // A large change between T-1 and T is a warning: accepted with warnings, KPIs still computed.
    [Fact]
    public void Validate_YearOnYearJump_AcceptedWithWarning()
    {
        var result = Validate(TestData.ValidCsv().Replace("AEO_COUNT,2025,120", "AEO_COUNT,2025,350", StringComparison.Ordinal));

        Assert.Equal(ValidationStatus.AcceptedWithWarnings, result.Status);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(("PMM-RULE-010", Severity.Warning, "line 4, column 3"), (finding.RuleId, finding.Severity, finding.Pointer));
        Assert.Equal(250m, result.KpiValues["TF-02"]);
    }
}
