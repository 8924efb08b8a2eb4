using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace Pmm.Core.Submissions;

/// <summary>
/// Reads the CSV submission format: a header with the columns <c>item</c>, <c>year</c>, <c>value</c>
/// (any order, any case), one observation per row. The separator (comma, semicolon, tab) is detected
/// by Sep from the header line.
/// </summary>
public static class CsvSubmissionReader
{
    public const string ItemColumn = "item";
    public const string YearColumn = "year";
    public const string ValueColumn = "value";

    static readonly string[] RequiredColumns = [ItemColumn, YearColumn, ValueColumn];

    public static ParsedSubmission Read(Stream csv)
    {
        try
        {
            return ReadUnchecked(csv);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or ArgumentException or DecoderFallbackException)
        {
            // Malformed bytes (e.g. an unterminated quote, binary junk) are the uploader's problem to fix, not a crash.
            return new ParsedSubmission([], [new Finding(RuleIds.FileUnreadable, Severity.Error, $"The file could not be read as CSV: {ex.Message}", "Save the file as CSV (UTF-8) with a header line 'item,year,value' and check for an unclosed quote.", Pointer: "file")], 0);
        }
    }

    static ParsedSubmission ReadUnchecked(Stream csv)
    {
        var findings = new List<Finding>();
        var observations = new List<Observation>();
        var rows = 0;
        SepReader reader;
        try
        {
            reader = Sep.Reader(o => o with
            {
                HasHeader = true,
                Unescape = true,
                Trim = SepTrim.All,
                DisableColCountCheck = true,
                ColNameComparer = StringComparer.OrdinalIgnoreCase,
            }).From(csv);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or ArgumentException)
        {
            findings.Add(new Finding(RuleIds.FileUnreadable, Severity.Error, $"The file could not be read as CSV: {ex.Message}", "Save the file as CSV (UTF-8) with a header line 'item,year,value'.", Pointer: "line 1", Line: 1));
            return new ParsedSubmission(observations, findings, 0);
        }

        using (reader)
        {
            if (reader.Header.IsEmpty)
            {
                findings.Add(EmptyFile());
                return new ParsedSubmission(observations, findings, 0);
            }

            var indexes = new int[RequiredColumns.Length];
            for (var c = 0; c < RequiredColumns.Length; c++)
            {
                if (!reader.Header.TryIndexOf(RequiredColumns[c], out indexes[c]))
                {
                    findings.Add(new Finding(
                        RuleIds.HeaderMissingColumn,
                        Severity.Error,
                        $"The header has no '{RequiredColumns[c]}' column.",
                        "The first line must name the columns item, year and value, separated by commas or semicolons.",
                        Pointer: "line 1",
                        Line: 1,
                        Found: string.Join(",", reader.Header.ColNames),
                        Expected: string.Join(",", RequiredColumns)));
                }
            }

            if (findings.Count > 0)
            {
                return new ParsedSubmission(observations, findings, 0);
            }

            var (itemAt, yearAt, valueAt) = (indexes[0], indexes[1], indexes[2]);
            var needed = Math.Max(itemAt, Math.Max(yearAt, valueAt)) + 1;
            foreach (var row in reader)
            {
                var line = row.LineNumberFrom;
                if (row.ColCount == 1 && row[0].Span.IsWhiteSpace())
                {
                    continue;
                }

                rows++;
                if (row.ColCount < needed)
                {
                    findings.Add(new Finding(RuleIds.RowShape, Severity.Error, $"Line {line} has {row.ColCount} field(s); {needed} are needed.", "Each line needs an item code, a year and a value.", Pointer: $"line {line}", Line: line, Found: row.Span.ToString()));
                    continue;
                }

                var item = row[itemAt].ToString();
                var yearText = row[yearAt].Span;
                if (!int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
                {
                    findings.Add(new Finding(RuleIds.WrongYear, Severity.Error, $"'{yearText}' is not a year.", "Write the reporting year as four digits, e.g. 2025.", item, At(line, yearAt), line, yearAt + 1, yearText.ToString(), "a four-digit year"));
                    continue;
                }

                var valueText = row[valueAt].Span;
                if (!decimal.TryParse(valueText, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
                {
                    findings.Add(new Finding(RuleIds.NotANumber, Severity.Error, $"'{valueText}' is not a number.", "Write the value as a plain number with a point as decimal mark, e.g. 1234.5.", item, At(line, valueAt), line, valueAt + 1, valueText.ToString(), "a number"));
                    observations.Add(new Observation(item, year, null, line));
                    continue;
                }

                observations.Add(new Observation(item, year, value, line));
            }
        }

        if (rows == 0)
        {
            findings.Add(EmptyFile());
        }

        return new ParsedSubmission(observations, findings, rows);
    }

    static string At(int line, int zeroBasedColumn) => $"line {line}, column {zeroBasedColumn + 1}";

    static Finding EmptyFile() => new(RuleIds.FileEmpty, Severity.Error, "The file has no data rows.", "Add one line per data item under the header 'item,year,value'.", Pointer: "line 1", Line: 1);
}
