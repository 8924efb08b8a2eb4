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

    // The thousands-group patterns of the number reader end at the true end too.
    [Theory]
    [InlineData("1,234", ',', true)]
    [InlineData("1,234\n", ',', false)]
    [InlineData("1.234.567", '.', true)]
    [InlineData("1.234.567\n", '.', false)]
    public void Grouped_TrailingLineFeed_NotGrouped(string text, char group, bool grouped) =>
        Assert.Equal(grouped, NumberReader.Grouped(text, group));

    // A quoted CSV value "1,234<LF>'" loses its apostrophe (a grouping mark) and read as 1234: the line feed was
    // allowed by '$'. It is not a number.
    [Theory]
    [InlineData("1,234\n'", '.')]
    [InlineData("1.234\n\u2019", ',')]
    public void TryParse_GroupedThenLineFeed_NotANumber(string text, char mark) =>
        Assert.False(NumberReader.TryParse(text, mark, out _));
}
