using Pmm.Core.Formats;

namespace Pmm.Core.Tests;

/// <summary>Identifier and number patterns anchor at the true end of the text: '$' also matched before a final line feed.</summary>
public class IdentifierTests
{
    // "abc\n" as a cycle id, "KEN\n" as a Member code or "2026.1\n" as a version passed the patterns, then failed as a 500 in storage.
    [Theory]
    [InlineData("abc\n")]
    [InlineData("abc\r\n")]
    [InlineData("abc ")]
    public void IsCycleId_TrailingLineBreakOrSpace_False(string value)
    {
        Assert.True(Identifiers.IsCycleId(value.TrimEnd()));
        Assert.False(Identifiers.IsCycleId(value));
    }

    [Fact]
    public void IsMemberCode_TrailingLineFeed_False()
    {
        Assert.True(Identifiers.IsMemberCode("KEN"));
        Assert.False(Identifiers.IsMemberCode("KEN\n"));
        Assert.False(Identifiers.IsMemberCode("Ken"));
    }

    [Fact]
    public void IsReferenceVersionAndCode_TrailingLineFeed_False()
    {
        Assert.True(Identifiers.IsReferenceVersion("2026.1"));
        Assert.False(Identifiers.IsReferenceVersion("2026.1\n"));
        Assert.True(Identifiers.IsReferenceCode("TF-01"));
        Assert.False(Identifiers.IsReferenceCode("TF-01\n"));
    }

    // The thousands-group patterns of the number reader end at the true end too ("1,234\n" counted as grouped, so a
    // quoted CSV value "1,234<LF>'" did not vote for a decimal comma).
    [Theory]
    [InlineData("1,234", ',', true)]
    [InlineData("1,234\n", ',', false)]
    [InlineData("1.234.567", '.', true)]
    [InlineData("1.234.567\n", '.', false)]
    public void Grouped_TrailingLineFeed_NotGrouped(string text, char group, bool grouped) =>
        Assert.Equal(grouped, NumberReader.Grouped(text, group));
}
