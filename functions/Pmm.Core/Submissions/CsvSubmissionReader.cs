using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace Pmm.Core.Submissions;

/// <summary>
/// Reads the CSV submission format: a header with the columns <c>item</c>, <c>year</c>, <c>value</c> and, optionally,
/// <c>status</c>, <c>reason</c>, <c>comment</c> and <c>disclosure</c> (any order, any case), one observation per row.
/// A row with an empty value and a status of "not applicable" (with a reason) or "not available" states why there is
/// no value; a row with an empty value and no status says nothing (an empty Excel row). A row whose
/// <c>disclosure</c> is filled chooses the disclosure level of the KPI named in <c>item</c>, and has nothing else.
/// The separator (comma, semicolon, tab) is detected by Sep from the header line; the decimal mark from the values.
/// </summary>
public static class CsvSubmissionReader
{
    public const string ItemColumn = "item";
    public const string YearColumn = "year";
    public const string ValueColumn = "value";
    public const string StatusColumn = "status";
    public const string ReasonColumn = "reason";
    public const string CommentColumn = "comment";
    public const string DisclosureColumn = "disclosure";

    static readonly string[] RequiredColumns = [ItemColumn, YearColumn, ValueColumn];

    public static ParsedSubmission Read(Stream csv)
    {
        if (!csv.CanSeek)
        {
            var copy = new MemoryStream();
            csv.CopyTo(copy);
            copy.Position = 0;
            csv = copy;
        }

        try
        {
            return ReadUnchecked(csv);
        }
        catch (DecoderFallbackException ex)
        {
            var where = ex.Index >= 0 ? $" near character {ex.Index}" : "";
            var bytes = ex.BytesUnknown is { Length: > 0 } b ? $" (byte 0x{b[0]:X2})" : "";
            return new ParsedSubmission([], [new Finding(RuleIds.FileUnreadable, Severity.Error, $"The file is not UTF-8 or UTF-16 text{bytes}{where}.", "In Excel, save as 'CSV UTF-8 (Comma delimited)'; other tools: choose UTF-8 encoding.", Pointer: "file")], 0);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or ArgumentException)
        {
            // Malformed bytes (e.g. an unterminated quote, binary junk) are the uploader's problem to fix, not a crash.
            return new ParsedSubmission([], [new Finding(RuleIds.FileUnreadable, Severity.Error, $"The file could not be read as CSV: {ex.Message}", "Save the file as CSV (UTF-8) with a header line 'item,year,value' and check for an unclosed quote.", Pointer: "file")], 0);
        }
    }

    /// <summary>The columns of one data row, as text, with where they are.</summary>
    readonly record struct RowText(int Line, string Item, string Year, string Value, string Status, string Reason, string Comment);

    static ParsedSubmission ReadUnchecked(Stream csv)
    {
        var findings = new List<Finding>();
        var observations = new List<Observation>();
        var disclosures = new List<DisclosureChoice>();
        var comments = new List<ItemComment>();
        var (encoding, encodingName) = SniffEncoding(csv);
        using var reader = Sep.Reader(o => o with
        {
            HasHeader = true,
            Unescape = true,
            Trim = SepTrim.All,
            DisableColCountCheck = true,
            ColNameComparer = StringComparer.OrdinalIgnoreCase,
        }).From(new StreamReader(csv, encoding, detectEncodingFromByteOrderMarks: false));
        if (reader.Header.IsEmpty)
        {
            findings.Add(EmptyFile());
            return new ParsedSubmission(observations, findings, 0);
        }

        var separator = reader.Spec.Sep.Separator;
        var indexes = new int[RequiredColumns.Length];
        for (var c = 0; c < RequiredColumns.Length; c++)
        {
            if (!reader.Header.TryIndexOf(RequiredColumns[c], out indexes[c]))
            {
                findings.Add(new Finding(
                    RuleIds.HeaderMissingColumn,
                    Severity.Error,
                    $"The header has no '{RequiredColumns[c]}' column.",
                    "The first line must name the columns item, year and value (and optionally status, reason, comment, disclosure), separated by commas, semicolons or tabs.",
                    Pointer: "line 1",
                    Line: 1,
                    Found: string.Join(separator, reader.Header.ColNames),
                    Expected: string.Join(separator, RequiredColumns)));
            }
        }

        if (findings.Count > 0)
        {
            return new ParsedSubmission(observations, findings, 0);
        }

        var (itemAt, yearAt, valueAt) = (indexes[0], indexes[1], indexes[2]);
        var statusAt = Optional(reader, StatusColumn);
        var reasonAt = Optional(reader, ReasonColumn);
        var commentAt = Optional(reader, CommentColumn);
        var disclosureAt = Optional(reader, DisclosureColumn);
        var needed = Math.Max(itemAt, Math.Max(yearAt, valueAt)) + 1;
        var headerCount = reader.Header.ColNames.Count;
        var rows = new List<RowText>();
        var dataRows = 0;
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            if (AllEmpty(row, 0))
            {
                // Blank lines, and the ",," lines spreadsheets write for formatted empty rows.
                continue;
            }

            dataRows++;
            if (row.ColCount > headerCount && !AllEmpty(row, headerCount))
            {
                // Extra fields are never ignored: "2,500,000.25" unquoted in a comma file would otherwise read as 2.
                findings.Add(new Finding(RuleIds.RowShape, Severity.Error, $"Line {line} has {row.ColCount} fields; the header has {headerCount}.", $"A value must not contain the separator '{Printable(separator)}': write 2500000.25 without thousands separators, or put the value in quotes.", Pointer: $"line {line}", Line: line, Found: row.Span.ToString()));
                continue;
            }

            if (Text(row, disclosureAt) is { Length: > 0 } level)
            {
                var item = Text(row, itemAt);
                var others = new List<string>();
                foreach (var (name, at) in new[] { (YearColumn, yearAt), (ValueColumn, valueAt), (StatusColumn, statusAt), (ReasonColumn, reasonAt), (CommentColumn, commentAt) })
                {
                    if (Text(row, at).Length > 0)
                    {
                        others.Add(name);
                    }
                }

                if (others.Count > 0 || item.Length == 0)
                {
                    var problem = item.Length == 0 ? $"names no KPI in '{ItemColumn}'" : $"must leave {string.Join(", ", others)} empty";
                    findings.Add(new Finding(RuleIds.DisclosureLineShape, Severity.Error, $"Line {line} chooses a disclosure level, so it {problem}.", $"Put the disclosure choice on a line of its own: the KPI code in '{ItemColumn}', the level in '{DisclosureColumn}', e.g. TF-01{separator}{separator}{separator}...{separator}public.", Pointer: $"line {line}", Line: line, Found: row.Span.ToString()));
                    continue;
                }

                disclosures.Add(new DisclosureChoice(item, level, At(line, disclosureAt), line));
                continue;
            }

            if (row.ColCount < needed)
            {
                findings.Add(new Finding(RuleIds.RowShape, Severity.Error, $"Line {line} has {row.ColCount} field(s); {needed} are needed.", $"Each line needs an item code, a year and a value, separated by '{Printable(separator)}' like the header.", Pointer: $"line {line}", Line: line, Found: row.Span.ToString()));
                continue;
            }

            rows.Add(new RowText(line, Text(row, itemAt), Text(row, yearAt), Text(row, valueAt), Text(row, statusAt), Text(row, reasonAt), Text(row, commentAt)));
        }

        var decimalMark = NumberReader.DetectDecimalMark(rows.Select(r => r.Value), separator);
        foreach (var row in rows)
        {
            var (line, item) = (row.Line, row.Item);
            if (row.Comment.Length > 0)
            {
                comments.Add(new ItemComment(item, row.Comment, At(line, commentAt), line));
                if (row.Value.Length == 0 && row.Status.Length == 0 && row.Reason.Length == 0 && row.Year.Length == 0)
                {
                    // A comment on the item as a whole.
                    continue;
                }
            }

            if (!int.TryParse(row.Year, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            {
                findings.Add(new Finding(RuleIds.WrongYear, Severity.Error, $"'{row.Year}' is not a year.", "Write the reporting year as four digits, e.g. 2025.", item, At(line, yearAt), line, yearAt + 1, row.Year, "a four-digit year"));
                continue;
            }

            if (!ValueStates.TryParse(row.Status, out var state))
            {
                findings.Add(new Finding(RuleIds.UnknownState, Severity.Error, $"'{row.Status}' is not a status.", ValueStates.Hint(row.Status), item, At(line, statusAt), line, statusAt + 1, row.Status, ValueStates.Expected));
                observations.Add(new Observation(item, year, null, $"line {line}", line) { ItemPointer = At(line, itemAt), YearPointer = At(line, yearAt) });
                continue;
            }

            var pointers = (Item: At(line, itemAt), Year: At(line, yearAt), Value: At(line, valueAt));
            var statePointer = state == ValueState.Reported && row.Reason.Length > 0 ? At(line, reasonAt) : state == ValueState.Reported ? null : At(line, statusAt);
            var reason = row.Reason.Length > 0 ? row.Reason : null;
            if (row.Value.Length == 0)
            {
                if (state != ValueState.Reported || reason is not null)
                {
                    observations.Add(new Observation(item, year, null, $"line {line}", line) { State = state, Reason = reason, StatePointer = statePointer, ItemPointer = pointers.Item, YearPointer = pointers.Year, ValuePointer = pointers.Value });
                }

                // No value and no status: the line says nothing (as an empty cell in the template).
                continue;
            }

            if (!NumberReader.TryParse(row.Value, decimalMark, out var value))
            {
                findings.Add(new Finding(RuleIds.NotANumber, Severity.Error, $"'{row.Value}' is not a number.", $"This file uses '{decimalMark}' as its decimal mark; write e.g. 1234{decimalMark}5 (thousands may be grouped with '{(decimalMark == '.' ? ',' : '.')}' or spaces).", item, At(line, valueAt), line, valueAt + 1, row.Value, "a number"));
                observations.Add(new Observation(item, year, null, $"line {line}", line) { State = state, Reason = reason, StatePointer = statePointer, ItemPointer = pointers.Item, YearPointer = pointers.Year, ValuePointer = pointers.Value });
                continue;
            }

            observations.Add(new Observation(item, year, value, $"line {line}", line) { State = state, Reason = reason, StatePointer = statePointer, ItemPointer = pointers.Item, YearPointer = pointers.Year, ValuePointer = pointers.Value });
        }

        if (observations.Count == 0 && disclosures.Count == 0 && comments.Count == 0 && findings.Count == 0)
        {
            findings.Add(EmptyFile());
        }

        return new ParsedSubmission(observations, findings, dataRows, $"CSV, {encodingName}, separator '{Printable(separator)}', decimal mark '{decimalMark}'")
        {
            Disclosures = disclosures,
            Comments = comments,
        };
    }

    static int Optional(SepReader reader, string column) => reader.Header.TryIndexOf(column, out var index) ? index : -1;

    static string Text(SepReader.Row row, int column) => column >= 0 && column < row.ColCount ? row[column].ToString() : "";

    /// <summary>UTF-8 (with or without BOM) unless a UTF-16 byte order mark says otherwise; the stream is left after the BOM.</summary>
    static (Encoding Encoding, string Name) SniffEncoding(Stream stream)
    {
        Span<byte> bom = stackalloc byte[3];
        var read = stream.ReadAtLeast(bom, 3, throwOnEndOfStream: false);
        (Encoding, string, int) found = read switch
        {
            >= 3 when bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF => (new UTF8Encoding(false, true), "UTF-8 with BOM", 3),
            >= 2 when bom[0] == 0xFF && bom[1] == 0xFE => (new UnicodeEncoding(false, false, true), "UTF-16 LE", 2),
            >= 2 when bom[0] == 0xFE && bom[1] == 0xFF => (new UnicodeEncoding(true, false, true), "UTF-16 BE", 2),
            _ => (new UTF8Encoding(false, true), "UTF-8", 0),
        };
        stream.Position = found.Item3;
        return (found.Item1, found.Item2);
    }

    static bool AllEmpty(SepReader.Row row, int from)
    {
        for (var c = from; c < row.ColCount; c++)
        {
            if (!row[c].Span.IsWhiteSpace())
            {
                return false;
            }
        }

        return true;
    }

    static string Printable(char separator) => separator == '\t' ? "tab" : separator.ToString();

    static string At(int line, int zeroBasedColumn) => $"line {line}, column {zeroBasedColumn + 1}";

    static Finding EmptyFile() => new(RuleIds.FileEmpty, Severity.Error, "The file has no values.", "Add one line per data item and year under the header 'item,year,value', with the value (or a status of 'not applicable' or 'not available').", Pointer: "line 1", Line: 1);
}
