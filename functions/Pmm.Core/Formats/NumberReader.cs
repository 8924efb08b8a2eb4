using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Formats;

/// <summary>
/// Reads numbers the way people type them in spreadsheets: a decimal point or a decimal comma (one per
/// file, detected), thousands grouped by the other mark, spaces, no-break spaces or apostrophes.
/// Works on spans, so a large file's values are read without making a string for each.
/// </summary>
public static partial class NumberReader
{
    const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    /// <summary>Values longer than this are copied to the heap rather than the stack; no real value comes near it.</summary>
    const int StackLimit = 256;

    /// <summary>The most digits whose value always fits the 64 bits <see cref="TryParsePlain"/> builds it in.</summary>
    const int PlainDigitsMax = 19;

    /// <summary>Thousands separators other than the marks; they are removed before anything else.</summary>
    static readonly SearchValues<char> GroupingSpaces = SearchValues.Create(" \u00A0\u202F'\u2019");

    /// <summary>
    /// Picks the file's decimal mark from its values: a value with both marks, or with one mark not in
    /// thousands groups, votes; when nothing decides, a semicolon- or tab-separated file is taken to use
    /// a decimal comma (as spreadsheets in comma-decimal locales write them) and a comma-separated one a point.
    /// </summary>
    public static char DetectDecimalMark(IEnumerable<string> values, char separator)
    {
        ArgumentNullException.ThrowIfNull(values);
        var votes = new DecimalMarkVotes();
        foreach (var raw in values)
        {
            votes.Add(raw);
        }

        return votes.Decide(separator);
    }

    /// <summary>The decimal mark of a file whose values do not decide it: a point in comma-separated files, a comma otherwise.</summary>
    internal static char DefaultDecimalMark(char separator) => separator == ',' ? '.' : ',';

    /// <summary>Parses <paramref name="text"/> with the given decimal mark; grouping must be in threes before the decimal mark.</summary>
    public static bool TryParse(string text, char decimalMark, out decimal value) => TryParse(text.AsSpan(), decimalMark, out value);

    /// <inheritdoc cref="TryParse(string, char, out decimal)"/>
    public static bool TryParse(ReadOnlySpan<char> text, char decimalMark, out decimal value)
    {
        if (TryParsePlain(text, decimalMark, out value))
        {
            return true;
        }

        // Anything else is rewritten to what decimal.TryParse reads, "-1234.5", in a copy: without grouping spaces,
        // with the thousands removed once they are checked to be in threes, and with '.' as the decimal mark.
        var trimmed = text.Trim();
        var s = trimmed.Length <= StackLimit ? stackalloc char[trimmed.Length] : new char[trimmed.Length];
        s = s[..StripGroupingSpaces(trimmed, s)];
        if (s.IsEmpty)
        {
            return false;
        }

        var group = decimalMark == '.' ? ',' : '.';
        var decimalAt = s.IndexOf(decimalMark);
        if (decimalAt >= 0 && s[(decimalAt + 1)..].Contains(decimalMark))
        {
            return false;
        }

        var integerPart = decimalAt >= 0 ? s[..decimalAt] : s;
        var length = integerPart.Length;
        if (integerPart.Contains(group))
        {
            if (!Grouped(integerPart, group))
            {
                return false;
            }

            length = Remove(integerPart, group);
        }

        if (decimalAt >= 0)
        {
            var fraction = s[(decimalAt + 1)..];
            if (fraction.Contains(group))
            {
                return false;
            }

            s[length++] = '.';
            fraction.CopyTo(s[length..]);
            length += fraction.Length;
        }

        return decimal.TryParse(s[..length], Styles, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// The values most files are made of: an optional sign, digits, thousands grouped in threes by the other mark (as
    /// in 1.234.567,89) and at most one decimal mark between digits, with at most <see cref="PlainDigitsMax"/> digits.
    /// Builds the decimal directly, as decimal.TryParse would (the same digits, scale and sign, so 7.50 keeps its scale
    /// and -0 its sign) but several times faster; false for anything else, which
    /// <see cref="TryParse(ReadOnlySpan{char}, char, out decimal)"/> then reads the long way.
    /// </summary>
    internal static bool TryParsePlain(ReadOnlySpan<char> text, char decimalMark, out decimal value)
    {
        value = 0;
        var group = decimalMark == '.' ? ',' : '.';
        var negative = text is ['-', ..];
        var at = text is ['-' or '+', ..] ? 1 : 0;
        ulong digits = 0;
        var count = 0;
        var scale = -1;
        var groupLength = -1;
        for (; at < text.Length; at++)
        {
            var c = text[at];
            if (char.IsAsciiDigit(c))
            {
                if (++count > PlainDigitsMax)
                {
                    return false;
                }

                digits = digits * 10 + (uint)(c - '0');
                scale = scale >= 0 ? scale + 1 : scale;
                groupLength = groupLength >= 0 && scale < 0 ? groupLength + 1 : groupLength;
            }
            else if (c == group && scale < 0 && (groupLength < 0 ? count is >= 1 and <= 3 : groupLength == 3))
            {
                groupLength = 0;
            }
            else if (c == decimalMark && scale < 0 && count > 0 && groupLength is < 0 or 3)
            {
                scale = 0;
            }
            else
            {
                return false;
            }
        }

        if (count == 0 || scale == 0 || scale < 0 && groupLength is >= 0 and not 3)
        {
            // Nothing, a sign alone, a decimal mark without digits after it ("1."), or a short last group: the long way.
            return false;
        }

        value = new decimal((int)digits, (int)(digits >> 32), 0, negative, (byte)Math.Max(scale, 0));
        return true;
    }

    /// <summary>
    /// The votes of a file's values for its decimal mark, counted one value at a time (the rules of
    /// <see cref="DetectDecimalMark"/>), so that the values need not be kept to decide.
    /// </summary>
    internal sealed class DecimalMarkVotes
    {
        int points;
        int commas;

        public void Add(ReadOnlySpan<char> raw)
        {
            if (!raw.ContainsAny('.', ','))
            {
                // Most values: whole numbers, which never vote.
                return;
            }

            var text = raw.Trim();
            if (!text.ContainsAny(GroupingSpaces))
            {
                Count(text);
                return;
            }

            var stripped = text.Length <= StackLimit ? stackalloc char[text.Length] : new char[text.Length];
            Count(stripped[..StripGroupingSpaces(text, stripped)]);
        }

        public char Decide(char separator) => commas > points ? ',' : points > commas ? '.' : DefaultDecimalMark(separator);

        /// <summary>Counts the vote of a value without grouping spaces.</summary>
        void Count(ReadOnlySpan<char> text)
        {
            var dot = text.LastIndexOf('.');
            var comma = text.LastIndexOf(',');
            if (dot >= 0 && comma >= 0)
            {
                _ = dot > comma ? points++ : commas++;
            }
            else if (comma >= 0 && !Grouped(text, ','))
            {
                commas++;
            }
            else if (dot >= 0 && !Grouped(text, '.'))
            {
                points++;
            }
        }
    }

    /// <summary>Copies <paramref name="text"/> to <paramref name="destination"/> without grouping spaces; returns the length copied.</summary>
    static int StripGroupingSpaces(ReadOnlySpan<char> text, Span<char> destination)
    {
        var length = 0;
        while (text.IndexOfAny(GroupingSpaces) is var at && at >= 0)
        {
            text[..at].CopyTo(destination[length..]);
            length += at;
            text = text[(at + 1)..];
        }

        text.CopyTo(destination[length..]);
        return length + text.Length;
    }

    /// <summary>Removes every <paramref name="c"/> from <paramref name="text"/> in place; returns the length left.</summary>
    static int Remove(Span<char> text, char c)
    {
        var length = 0;
        foreach (var ch in text)
        {
            if (ch != c)
            {
                text[length++] = ch;
            }
        }

        return length;
    }

    /// <summary>Whether the text is a whole number in thousands groups separated by <paramref name="group"/>, like 1,234,567.</summary>
    internal static bool Grouped(ReadOnlySpan<char> text, char group)
    {
        // Most values cannot match, and this is cheaper than the regex to tell: a match ends with the group mark and
        // three digits.
        if (text.Length < 5 || text[^4] != group)
        {
            return false;
        }

        return group == ',' ? CommaGroups().IsMatch(text) : PointGroups().IsMatch(text);
    }

    [GeneratedRegex(@"^[+-]?\d{1,3}(,\d{3})+\z")]
    private static partial Regex CommaGroups();

    [GeneratedRegex(@"^[+-]?\d{1,3}(\.\d{3})+\z")]
    private static partial Regex PointGroups();
}
