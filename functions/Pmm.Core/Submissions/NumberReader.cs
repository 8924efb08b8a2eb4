using System.Globalization;
using System.Text.RegularExpressions;

namespace Pmm.Core.Submissions;

/// <summary>
/// Reads numbers the way people type them in spreadsheets: a decimal point or a decimal comma (one per
/// file, detected), thousands grouped by the other mark, spaces, no-break spaces or apostrophes.
/// </summary>
public static partial class NumberReader
{
    /// <summary>
    /// Picks the file's decimal mark from its values: a value with both marks, or with one mark not in
    /// thousands groups, votes; when nothing decides, a semicolon- or tab-separated file is taken to use
    /// a decimal comma (as spreadsheets in comma-decimal locales write them) and a comma-separated one a point.
    /// </summary>
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
            else if (comma >= 0 && !CommaGroups().IsMatch(text))
            {
                commas++;
            }
            else if (dot >= 0 && !PointGroups().IsMatch(text))
            {
                points++;
            }
        }

        return commas > points ? ',' : points > commas ? '.' : separator == ',' ? '.' : ',';
    }

    /// <summary>Parses <paramref name="text"/> with the given decimal mark; grouping must be in threes before the decimal mark.</summary>
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
            if (!ThreeDigitGroups().IsMatch(integerPart.Replace(group, ',')))
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

    [GeneratedRegex(@"^[+-]?\d{1,3}(,\d{3})+$")]
    private static partial Regex CommaGroups();

    [GeneratedRegex(@"^[+-]?\d{1,3}(\.\d{3})+$")]
    private static partial Regex PointGroups();

    [GeneratedRegex(@"^[+-]?\d{1,3}(,\d{3})+$")]
    private static partial Regex ThreeDigitGroups();
}
