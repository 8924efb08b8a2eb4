using System.Globalization;
using System.Text.RegularExpressions;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

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

    // Plain and grouped values are built without decimal.TryParse, yet give the very same decimal: digits, scale (7.50
    // stays 7.50) and sign (-0 stays negative zero), up to 19 digits; longer or odd values take the long way, unchanged.
    [Theory]
    [InlineData("0", '.', "0")]
    [InlineData("-0", '.', "-0")]
    [InlineData("+0", '.', "0")]
    [InlineData("-0.00", '.', "-0.00")]
    [InlineData("007.50", '.', "7.50")]
    [InlineData("+12", ',', "12")]
    [InlineData("-1.234.567,890", ',', "-1234567.890")]
    [InlineData("1,234,567.00", '.', "1234567.00")]
    [InlineData("9999999999999999999", '.', "9999999999999999999")]
    [InlineData("0.000000000000000001", '.', "0.000000000000000001")]
    [InlineData("18446744073709551615", '.', "18446744073709551615")]
    [InlineData("123456789012345678901234567.8", '.', "123456789012345678901234567.8")]
    [InlineData("1.", '.', "1")]
    [InlineData(".5", '.', "0.5")]
    [InlineData("-,5", ',', "-0.5")]
    public void TryParse_PlainAndLongValues_SameDecimalAsDecimalParse(string text, char mark, string expected)
    {
        Assert.True(NumberReader.TryParse(text, mark, out var value));
        Assert.Equal(decimal.GetBits(decimal.Parse(expected, CultureInfo.InvariantCulture)), decimal.GetBits(value));
    }

    // What the fast path takes and what it leaves to the long way: a sign alone, a mark without digits on both sides,
    // more than 19 digits, short or long thousands groups, a group after the decimal mark, spaces, exponents.
    [Theory]
    [InlineData("1234567.89", '.', true)]
    [InlineData("1.234.567,89", ',', true)]
    [InlineData("-1,234", '.', true)]
    [InlineData("1234567890123456789", '.', true)]
    [InlineData("12345678901234567890", '.', false)]
    [InlineData("-", '.', false)]
    [InlineData("1.", '.', false)]
    [InlineData(".5", '.', false)]
    [InlineData("1,23,456", '.', false)]
    [InlineData("1234,567", '.', false)]
    [InlineData("1,2345", '.', false)]
    [InlineData("1.5,3", ',', false)]
    [InlineData("1,5.3", ',', false)]
    [InlineData(" 12", '.', false)]
    [InlineData("2e3", '.', false)]
    public void TryParsePlain_TakesOnlyPlainValues(string text, char mark, bool plain)
    {
        Assert.Equal(plain, NumberReader.TryParsePlain(text, mark, out _));
    }

    // Beyond decimal's range, or grouped wrongly, a value is not a number, as it always was.
    [Theory]
    [InlineData("79228162514264337593543950336", '.')]
    [InlineData("1e29", '.')]
    [InlineData("1,2345.5", '.')]
    [InlineData("1.234,5.6", ',')]
    [InlineData("1 234,5,6", ',')]
    [InlineData("--5", '.')]
    [InlineData("5-", '.')]
    public void TryParse_OverflowOrMalformed_NotANumber(string text, char mark)
    {
        Assert.False(NumberReader.TryParse(text, mark, out _));
    }

    // The span-based reader gives what the string-based one it replaced gave (kept below as the reference), for
    // every value of a list of the odd ones people type, with either mark: the same answer, and the same decimal.
    [Fact]
    public void TryParseAndDetect_OddValues_SameAsStringBasedReader()
    {
        var values = OddValues();
        foreach (var text in values)
        {
            foreach (var mark in new[] { '.', ',' })
            {
                var expected = StringBasedReader.TryParse(text, mark, out var expectedValue);

                var actual = NumberReader.TryParse(text, mark, out var actualValue);

                Assert.True(expected == actual, $"'{text}' with '{mark}': {actual}, was {expected}");
                Assert.True(decimal.GetBits(expectedValue).SequenceEqual(decimal.GetBits(actualValue)), $"'{text}' with '{mark}': {actualValue}, was {expectedValue}");
            }

            foreach (var separator in new[] { ',', ';', '\t' })
            {
                Assert.True(StringBasedReader.DetectDecimalMark([text], separator) == NumberReader.DetectDecimalMark([text], separator), $"'{text}' in a file separated by '{separator}'");
            }
        }

        foreach (var separator in new[] { ',', ';' })
        {
            Assert.Equal(StringBasedReader.DetectDecimalMark(values, separator), NumberReader.DetectDecimalMark(values, separator));
        }
    }

    /// <summary>Values as people type them, and as they come out broken: signs, marks, groups, spaces, exponents, other digits, line feeds.</summary>
    static List<string> OddValues()
    {
        string[] seeds =
        [
            "", " ", "0", "-0", "+0", "00", "007", "7.50", "-7,50", "1.", ".5", ",5", "-.5", "+,5", "1.234", "1,234", "12,34", "12.34",
            "1.234.567", "1,234,567", "1.234.567,89", "1,234,567.89", "1.234,567.8", "1,234.567,8", "1,2,3", "1.23.4", "1,23,456",
            "1234,567", "-1,234", "+1.234", "1 234", "1\u00A0234,50", "1\u202F234.5", "1'234'567.5", "1\u2019234", " 12 ", "\t12\t",
            "1\t234", "2e3", "2E-3", "1.5e3", "1,5e3", "1e29", "e3", "-", "+", "--5", "5-", "abc", "12x0", "1,234\n'", "1.234\n\u2019",
            "\u0661,\u0662\u0663\u0664", "\u0661\u0662", "9999999999999999999", "99999999999999999999", "18446744073709551616.5",
            "79228162514264337593543950335", "79228162514264337593543950336", "0.0000000000000000000000000001", "1.0000000000000000000000000000001",
            "1,234,567,890,123,456,789", "1.234.567.890.123.456.789,5", new string('9', 300), "1," + new string('0', 300),
        ];
        var values = new List<string>(seeds);
        var random = new Random(20_26);
        const string Alphabet = "0123456789012345678901234567890123456789.,.,-+ '";
        for (var i = 0; i < 5000; i++)
        {
            values.Add(new string(Enumerable.Range(0, random.Next(1, 16)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray()));
        }

        return values;
    }

    /// <summary>The string-based reader before it read spans, verbatim: the reference the span-based one must agree with.</summary>
    static class StringBasedReader
    {
        static readonly Regex CommaGroups = new(@"^[+-]?\d{1,3}(,\d{3})+\z");
        static readonly Regex PointGroups = new(@"^[+-]?\d{1,3}(\.\d{3})+\z");

        public static char DetectDecimalMark(IEnumerable<string> values, char separator)
        {
            int points = 0, commas = 0;
            foreach (var raw in values)
            {
                var text = StripGrouping(raw);
                var dot = text.LastIndexOf('.');
                var comma = text.LastIndexOf(',');
                if (dot >= 0 && comma >= 0)
                {
                    _ = dot > comma ? points++ : commas++;
                }
                else if (comma >= 0 && !CommaGroups.IsMatch(text))
                {
                    commas++;
                }
                else if (dot >= 0 && !PointGroups.IsMatch(text))
                {
                    points++;
                }
            }

            return commas > points ? ',' : points > commas ? '.' : separator == ',' ? '.' : ',';
        }

        public static bool TryParse(string text, char decimalMark, out decimal value)
        {
            value = 0;
            var s = StripGrouping(text);
            if (s.Length == 0)
            {
                return false;
            }

            var group = decimalMark == '.' ? ',' : '.';
            var decimalAt = s.IndexOf(decimalMark, StringComparison.Ordinal);
            if (decimalAt >= 0 && s.IndexOf(decimalMark, decimalAt + 1) >= 0)
            {
                return false;
            }

            var integerPart = decimalAt >= 0 ? s[..decimalAt] : s;
            if (integerPart.Contains(group, StringComparison.Ordinal))
            {
                if (!CommaGroups.IsMatch(integerPart.Replace(group, ',')))
                {
                    return false;
                }

                integerPart = integerPart.Replace(group.ToString(), "", StringComparison.Ordinal);
            }

            if (decimalAt >= 0 && s[(decimalAt + 1)..].Contains(group, StringComparison.Ordinal))
            {
                return false;
            }

            var normalized = decimalAt >= 0 ? $"{integerPart}.{s[(decimalAt + 1)..]}" : integerPart;
            return decimal.TryParse(normalized, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
        }

        static string StripGrouping(string text) =>
            text.Trim().Replace(" ", "", StringComparison.Ordinal).Replace("\u00A0", "", StringComparison.Ordinal)
                .Replace("\u202F", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal).Replace("\u2019", "", StringComparison.Ordinal);
    }
}
