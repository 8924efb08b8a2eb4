using System.Globalization;
using Pmm.Core.Submissions;

namespace Pmm.Core.Tests;

public class NumberReaderTests
{
    // Numbers as spreadsheets in point- and comma-decimal locales write them.
    [Theory]
    [InlineData("1234.5", '.', "1234.5")]
    [InlineData("1,234.5", '.', "1234.5")]
    [InlineData("1,234,567", '.', "1234567")]
    [InlineData("1.234,5", ',', "1234.5")]
    [InlineData("1.234.567,89", ',', "1234567.89")]
    [InlineData("1 234,5", ',', "1234.5")]
    [InlineData("1\u00A0234,50", ',', "1234.50")]
    [InlineData("1'234", '.', "1234")]
    [InlineData("-5", '.', "-5")]
    [InlineData("1,5", ',', "1.5")]
    [InlineData("2e3", '.', "2000")]
    public void TryParse_Valid(string text, char mark, string expected)
    {
        Assert.True(NumberReader.TryParse(text, mark, out var value));
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), value);
    }

    // Misplaced grouping, a second decimal mark, or the other locale's decimal mark are refused, never guessed.
    [Theory]
    [InlineData("12,34", '.')]
    [InlineData("1,2,3", ',')]
    [InlineData("1.23.4", ',')]
    [InlineData("1.5,3", '.')]
    [InlineData("", '.')]
    [InlineData("abc", '.')]
    public void TryParse_Invalid(string text, char mark)
    {
        Assert.False(NumberReader.TryParse(text, mark, out _));
    }

    // The decimal mark is decided by unambiguous values; ambiguous files follow their separator.
    [Theory]
    [InlineData(new[] { "1234,5", "10" }, ';', ',')]
    [InlineData(new[] { "1234.5", "10" }, ';', '.')]
    [InlineData(new[] { "1.234.567,8" }, ',', ',')]
    [InlineData(new[] { "1,234" }, ';', ',')]
    [InlineData(new[] { "1,234" }, ',', '.')]
    [InlineData(new[] { "10", "20" }, '\t', ',')]
    public void DetectDecimalMark_FromValues(string[] values, char separator, char expected)
    {
        Assert.Equal(expected, NumberReader.DetectDecimalMark(values, separator));
    }
}
