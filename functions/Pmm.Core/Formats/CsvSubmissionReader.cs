using System.Globalization;
using System.Text;
using nietras.SeparatedValues;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Formats;

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

    const string UnclosedQuoteHint = "A value starts with a quote that is never closed; close it or remove it.";
    const string StrayQuoteHint = "A quote inside a value must be written twice, with the whole value in quotes (\"12\"\"5\"), or removed.";

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
            return new ParsedSubmission([], [NotText(csv, ex)], 0);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or ArgumentException or NotSupportedException)
        {
            // Malformed bytes (e.g. binary junk, or a header line too long to be one) are the uploader's problem to fix, not
            // a crash; the library's message means nothing to them, so it is not shown.
            return new ParsedSubmission([], [new Finding(RuleIds.FileUnreadable, Severity.Error, "The file could not be read as CSV text: its first line is not a header of column names, or it holds bytes that are not text.", "Save the file as CSV (UTF-8) with a header line 'item,year,value' and check for an unclosed quote.", Pointer: "file")], 0);
        }
    }

    static ParsedSubmission ReadUnchecked(Stream csv)
    {
        var (encoding, encodingName) = SniffEncoding(csv);
        var start = csv.Position;

        // The decimal mark is decided by all the values, but holding them all as text until then is what made large
        // files slow. So the values are read with the mark the separator suggests, and in the rare file whose values
        // vote for the other mark the file is read again with that one: the same result as deciding first.
        var (parsed, votedMark) = ReadLines(csv, encoding, encodingName, decimalMark: null);
        if (votedMark is { } mark)
        {
            csv.Position = start;
            (parsed, _) = ReadLines(csv, encoding, encodingName, mark);
        }

        return parsed;
    }

    /// <summary>
    /// Reads the file's lines with the given decimal mark (by default the one the separator suggests). When the values
    /// vote for another mark, that mark is returned too, and the file must be read again with it.
    /// </summary>
    static (ParsedSubmission Parsed, char? VotedMark) ReadLines(Stream csv, Encoding encoding, string encodingName, char? decimalMark)
    {
        // Findings on the shape of lines come before those on their years, statuses and values, as they always have.
        var lineFindings = new FindingList();
        var valueFindings = new FindingList();
        var observations = new List<Observation>();
        var disclosures = new List<DisclosureChoice>();
        var comments = new List<ItemComment>();
        var start = csv.Position;
        SepReader reader;
        try
        {
            reader = Open(csv, encoding, hasHeader: true);
        }
        catch (ArgumentException)
        {
            // Sep refuses a header that names a column twice.
            csv.Position = start;
            return (new ParsedSubmission([], [RepeatedColumn(csv, encoding)], 0, $"CSV, {encodingName}"), null);
        }

        using var _ = reader;
        if (reader.Header.IsEmpty)
        {
            lineFindings.Add(EmptyFile());
            return (new ParsedSubmission(observations, lineFindings, 0), null);
        }

        var separator = reader.Spec.Sep.Separator;
        var indexes = new int[RequiredColumns.Length];
        for (var c = 0; c < RequiredColumns.Length; c++)
        {
            if (!reader.Header.TryIndexOf(RequiredColumns[c], out indexes[c]))
            {
                lineFindings.Add(new Finding(
                    RuleIds.HeaderMissingColumn,
                    Severity.Error,
                    $"The header has no '{RequiredColumns[c]}' column.",
                    "The first line must name the columns item, year and value (and optionally status, reason, comment, disclosure), separated by commas, semicolons or tabs.",
                    Pointer: "line 1",
                    Line: 1,
                    Found: UserText.Excerpt(string.Join(separator, reader.Header.ColNames)),
                    Expected: string.Join(separator, RequiredColumns)));
            }
        }

        if (lineFindings.Count > 0)
        {
            return (new ParsedSubmission(observations, lineFindings, 0), null);
        }

        var mark = decimalMark ?? NumberReader.DefaultDecimalMark(separator);
        var votes = new NumberReader.DecimalMarkVotes();
        var itemCodes = new ItemCodes();
        var (itemAt, yearAt, valueAt) = (indexes[0], indexes[1], indexes[2]);
        var statusAt = Optional(reader, StatusColumn);
        var reasonAt = Optional(reader, ReasonColumn);
        var commentAt = Optional(reader, CommentColumn);
        var disclosureAt = Optional(reader, DisclosureColumn);
        var needed = Math.Max(itemAt, Math.Max(yearAt, valueAt)) + 1;
        var headerCount = reader.Header.ColNames.Count;
        var dataRows = 0;
        var nextLine = 2;
        bool tooLong;
        while (MoveNext(reader, out tooLong))
        {
            var row = reader.Current;
            var line = row.LineNumberFrom;
            nextLine = row.LineNumberToExcl;
            if (UnclosedQuote(row, separator) is { } unclosed)
            {
                return (new ParsedSubmission([], [unclosed], 0, $"CSV, {encodingName}, separator '{Printable(separator)}'"), null);
            }

            if (AllEmpty(row, 0))
            {
                // Blank lines, and the ",," lines spreadsheets write for formatted empty rows.
                continue;
            }

            dataRows++;
            if (row.ColCount > headerCount && !AllEmpty(row, headerCount))
            {
                // Extra fields are never ignored: "2,500,000.25" unquoted in a comma file would otherwise read as 2.
                if (lineFindings.Omit(RuleIds.RowShape, Severity.Error))
                {
                    continue;
                }

                lineFindings.Add(new Finding(RuleIds.RowShape, Severity.Error, $"Line {line} has {row.ColCount} fields; the header has {headerCount}.", $"A value must not contain the separator '{Printable(separator)}': write 2500000.25 without thousands separators, or put the value in quotes.", Pointer: $"line {line}", Line: line, Found: UserText.Excerpt(row.Span)));
                continue;
            }

            if (!Cell(row, disclosureAt).IsEmpty)
            {
                var level = UserText.Code(Cell(row, disclosureAt));
                var item = UserText.Code(Cell(row, itemAt));
                var others = new List<string>();
                foreach (var (name, at) in new[] { (YearColumn, yearAt), (ValueColumn, valueAt), (StatusColumn, statusAt), (ReasonColumn, reasonAt), (CommentColumn, commentAt) })
                {
                    if (!Cell(row, at).IsEmpty)
                    {
                        others.Add(name);
                    }
                }

                if ((others.Count > 0 || item.Length == 0) && !lineFindings.Omit(RuleIds.DisclosureLineShape, Severity.Error))
                {
                    var problem = item.Length == 0 ? $"names no KPI in '{ItemColumn}'" : $"must leave {string.Join(", ", others)} empty";
                    lineFindings.Add(new Finding(RuleIds.DisclosureLineShape, Severity.Error, $"Line {line} chooses a disclosure level, so it {problem}.", $"Put the disclosure choice on a line of its own: the KPI code in '{ItemColumn}', the level in '{DisclosureColumn}', e.g. TF-01{separator}{separator}{separator}...{separator}public.", Pointer: $"line {line}", Line: line, Found: UserText.Excerpt(row.Span)));
                    continue;
                }

                if (others.Count > 0 || item.Length == 0)
                {
                    continue;
                }

                disclosures.Add(new DisclosureChoice(item, level, At(line, disclosureAt), line));
                continue;
            }

            if (row.ColCount < needed)
            {
                if (lineFindings.Omit(RuleIds.RowShape, Severity.Error))
                {
                    continue;
                }

                lineFindings.Add(new Finding(RuleIds.RowShape, Severity.Error, $"Line {line} has {row.ColCount} field(s); {needed} are needed.", $"Each line needs an item code, a year and a value, separated by '{Printable(separator)}' like the header.", Pointer: $"line {line}", Line: line, Found: UserText.Excerpt(row.Span)));
                continue;
            }

            // The hot path of large files: the cells are read as spans, and text is made only for what is kept
            // (shared item codes, reasons, comments) or shown in a finding.
            var itemCode = itemCodes.Get(row[itemAt].Span);
            var yearText = row[yearAt].Span;
            var valueText = row[valueAt].Span;
            var status = Cell(row, statusAt);
            var reasonText = Cell(row, reasonAt);
            var comment = Cell(row, commentAt);
            votes.Add(valueText);
            if (!comment.IsEmpty)
            {
                comments.Add(new ItemComment(itemCode, UserText.LongText(comment), At(line, commentAt), line));
                if (valueText.IsEmpty && status.IsEmpty && reasonText.IsEmpty && yearText.IsEmpty)
                {
                    // A comment on the item as a whole.
                    continue;
                }
            }

            if (!int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            {
                if (valueFindings.Omit(RuleIds.WrongYear, Severity.Error))
                {
                    continue;
                }

                var found = UserText.Excerpt(yearText);
                valueFindings.Add(new Finding(RuleIds.WrongYear, Severity.Error, $"'{found}' is not a year.", "Write the reporting year as four digits, e.g. 2025.", itemCode, At(line, yearAt), line, yearAt + 1, found, "a four-digit year"));
                continue;
            }

            if (!ValueStates.TryParse(status, out var state))
            {
                if (!valueFindings.Omit(RuleIds.UnknownState, Severity.Error))
                {
                    var found = UserText.Excerpt(status);
                    valueFindings.Add(new Finding(RuleIds.UnknownState, Severity.Error, $"'{found}' is not a status.", ValueStates.Hint(found), itemCode, At(line, statusAt), line, statusAt + 1, found, ValueStates.Expected));
                }

                observations.Add(new Observation(itemCode, year, null, line, itemAt + 1, yearAt + 1, valueColumn: 0));
                continue;
            }

            var statePointer = state == ValueState.Reported && !reasonText.IsEmpty ? At(line, reasonAt) : state == ValueState.Reported ? null : At(line, statusAt);
            var reason = reasonText.IsEmpty ? null : UserText.LongText(reasonText);
            if (valueText.IsEmpty)
            {
                if (state != ValueState.Reported || reason is not null)
                {
                    observations.Add(new Observation(itemCode, year, null, line, itemAt + 1, yearAt + 1, valueAt + 1) { State = state, Reason = reason, StatePointer = statePointer });
                }

                // No value and no status: the line says nothing (as an empty cell in the template).
                continue;
            }

            if (!NumberReader.TryParse(valueText, mark, out var value))
            {
                if (!valueFindings.Omit(RuleIds.NotANumber, Severity.Error))
                {
                    var found = UserText.Excerpt(valueText);
                    valueFindings.Add(new Finding(RuleIds.NotANumber, Severity.Error, $"'{found}' is not a number.", $"This file uses '{mark}' as its decimal mark; write e.g. 1234{mark}5 (thousands may be grouped with '{(mark == '.' ? ',' : '.')}' or spaces).", itemCode, At(line, valueAt), line, valueAt + 1, found, "a number"));
                }

                observations.Add(new Observation(itemCode, year, null, line, itemAt + 1, yearAt + 1, valueAt + 1) { State = state, Reason = reason, StatePointer = statePointer });
                continue;
            }

            observations.Add(new Observation(itemCode, year, value, line, itemAt + 1, yearAt + 1, valueAt + 1) { State = state, Reason = reason, StatePointer = statePointer });
        }

        if (tooLong)
        {
            return (new ParsedSubmission([], [RowTooLong(nextLine)], 0, $"CSV, {encodingName}, separator '{Printable(separator)}'"), null);
        }

        var voted = votes.Decide(separator);
        if (voted != mark)
        {
            // Nothing of this reading is kept: the file is read again with the voted mark.
            return (new ParsedSubmission([], [], 0), voted);
        }

        var findings = lineFindings;
        findings.AddAll(valueFindings);
        if (observations.Count == 0 && disclosures.Count == 0 && comments.Count == 0 && findings.Count == 0)
        {
            findings.Add(EmptyFile());
        }

        var parsed = new ParsedSubmission(observations, findings, dataRows, $"CSV, {encodingName}, separator '{Printable(separator)}', decimal mark '{mark}'")
        {
            Disclosures = disclosures,
            Comments = comments,
        };
        return (parsed, null);
    }

    /// <summary>
    /// Moves to the next row, as <see cref="SepReader.MoveNext"/>; false with <paramref name="tooLong"/> set when the row is
    /// longer than Sep can hold (16 Mi characters), which in practice means a quote that is never closed in a large file.
    /// </summary>
    static bool MoveNext(SepReader reader, out bool tooLong)
    {
        tooLong = false;
        try
        {
            return reader.MoveNext();
        }
        catch (NotSupportedException)
        {
            tooLong = true;
            return false;
        }
    }

    static Finding RowTooLong(int line) => new(
        RuleIds.FileUnreadable,
        Severity.Error,
        $"The row that starts on line {line} runs on for millions of characters, so the file was not read: most likely a quote on that line is never closed.",
        UnclosedQuoteHint,
        Pointer: $"line {line}",
        Line: line);

    /// <summary>
    /// The finding for a row with a quote that is never closed, or null. Sep takes every quote as opening or closing,
    /// so such a quote makes it read on to the end of the file as one row: the last row, with an odd number of quotes.
    /// </summary>
    static Finding? UnclosedQuote(SepReader.Row row, char separator)
    {
        var text = row.Span;
        if (!text.Contains('"') || text.Count('"') % 2 == 0)
        {
            return null;
        }

        // The quote to blame is found as a person reads the row: a value that starts with a quote runs to the next lone
        // quote ("" is a quote inside it), and a quote anywhere else is a stray one. Sep pairs quotes regardless, so
        // after a stray quote its pairs are off by one and the quote it finds open can be lines further on.
        var (line, column, valueStart) = (row.LineNumberFrom, 1, true);
        for (var at = 0; at < text.Length; at++)
        {
            var c = text[at];
            if (c == '"' && valueStart)
            {
                var close = ClosingQuote(text, at + 1);
                if (close < 0)
                {
                    return QuoteNeverClosed(text, at, line, column, $"The quote that starts the value on line {line}, column {column} is never closed", UnclosedQuoteHint);
                }

                line += LineBreaks(text[at..close]);
                (at, valueStart) = (close, false);
            }
            else if (c == '"')
            {
                return QuoteNeverClosed(text, at, line, column, $"The quote in the value on line {line}, column {column} is never closed", StrayQuoteHint);
            }
            else if (c == separator)
            {
                (column, valueStart) = (column + 1, true);
            }
            else if (c != ' ')
            {
                valueStart = false;
            }
        }

        // Not reached: with an odd number of quotes, one is stray or opens a value without closing it.
        return null;

        static int ClosingQuote(ReadOnlySpan<char> text, int from)
        {
            for (var at = from; at < text.Length; at++)
            {
                if (text[at] == '"')
                {
                    if (at + 1 < text.Length && text[at + 1] == '"')
                    {
                        at++;
                        continue;
                    }

                    return at;
                }
            }

            return -1;
        }

        static int LineBreaks(ReadOnlySpan<char> text) => text.Count('\n') + text.Count('\r') - text.Count("\r\n");

        static Finding QuoteNeverClosed(ReadOnlySpan<char> text, int quote, int line, int column, string what, string hint)
        {
            var lineStart = text[..quote].LastIndexOfAny('\r', '\n') + 1;
            var lineLength = text[lineStart..].IndexOfAny('\r', '\n');
            return new Finding(
                RuleIds.FileUnreadable,
                Severity.Error,
                $"{what}: the rest of the file would read as one value, so the file was not read.",
                hint,
                Pointer: At(line, column - 1),
                Line: line,
                Column: column,
                Found: UserText.Excerpt(lineLength < 0 ? text[lineStart..] : text.Slice(lineStart, lineLength)));
        }
    }

    /// <summary>
    /// The finding for bytes that are not text in the file's encoding: in a UTF-8 file, pointed at the first bad byte by
    /// line and character (the decoder only knows where it was in its buffer).
    /// </summary>
    static Finding NotText(Stream csv, DecoderFallbackException ex)
    {
        const string Hint = "In Excel, save as 'CSV UTF-8 (Comma delimited)'; other tools: choose UTF-8 encoding.";
        var (_, name) = SniffEncoding(csv);
        if (name.StartsWith("UTF-8", StringComparison.Ordinal) && InvalidUtf8.Find(csv, csv.Position) is { } bad)
        {
            var at = $"line {bad.Line}, character {bad.Character}";
            return new Finding(RuleIds.FileUnreadable, Severity.Error, $"The file is not UTF-8 text: {at} holds the byte 0x{bad.Value:X2}, which UTF-8 does not allow there; the file was probably saved in another encoding (e.g. Windows-1252).", Hint, Pointer: at, Line: bad.Line, Column: bad.Character, Found: $"byte 0x{bad.Value:X2}", Expected: "UTF-8 text");
        }

        var bytes = ex.BytesUnknown is { Length: > 0 } b ? $" (byte 0x{b[0]:X2})" : "";
        return new Finding(RuleIds.FileUnreadable, Severity.Error, $"The file is not {name} text{bytes}.", Hint, Pointer: "file");
    }

    static SepReader Open(Stream csv, Encoding encoding, bool hasHeader) => Sep.Reader(o => o with
    {
        HasHeader = hasHeader,
        Unescape = true,
        Trim = SepTrim.All,
        DisableColCountCheck = true,
        ColNameComparer = StringComparer.OrdinalIgnoreCase,
    }).From(new StreamReader(csv, encoding, detectEncodingFromByteOrderMarks: false, leaveOpen: true));

    /// <summary>The finding for a header that names a column twice (in any case), read again as a plain row.</summary>
    static Finding RepeatedColumn(Stream csv, Encoding encoding)
    {
        using var reader = Open(csv, encoding, hasHeader: false);
        var names = new List<string>();
        if (reader.MoveNext())
        {
            for (var c = 0; c < reader.Current.ColCount; c++)
            {
                names.Add(reader.Current[c].ToString());
            }
        }

        var repeated = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        var name = UserText.Excerpt(repeated?.Key ?? "");
        var columns = string.Join(" and ", names.Select((n, i) => (Name: n, Column: i + 1)).Where(n => string.Equals(n.Name, repeated?.Key, StringComparison.OrdinalIgnoreCase)).Select(n => n.Column));
        return new Finding(
            RuleIds.HeaderMissingColumn,
            Severity.Error,
            $"The header names the column '{name}' {repeated?.Count() ?? 2} times (columns {columns}); each column must be named once.",
            "Remove or rename the extra column, so that the header reads e.g. 'item,year,value' (and optionally status, reason, comment, disclosure).",
            Pointer: "line 1",
            Line: 1,
            Found: UserText.Excerpt(string.Join(",", names)),
            Expected: "each column named once");
    }

    static int Optional(SepReader reader, string column) => reader.Header.TryIndexOf(column, out var index) ? index : -1;

    static ReadOnlySpan<char> Cell(SepReader.Row row, int column) => column >= 0 && column < row.ColCount ? row[column].Span : [];

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

    /// <summary>
    /// The item codes of a file, one string per distinct code as spelled in the file: a file repeats the catalogue's
    /// few dozen codes, so a million rows share them instead of each making its own.
    /// </summary>
    sealed class ItemCodes
    {
        /// <summary>Past this many distinct codes (not a real file), codes are no longer shared.</summary>
        const int MaxShared = 4096;

        readonly Dictionary<string, string> codes = new(StringComparer.Ordinal);
        readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> bySpan;

        public ItemCodes() => bySpan = codes.GetAlternateLookup<ReadOnlySpan<char>>();

        public string Get(ReadOnlySpan<char> code)
        {
            if (bySpan.TryGetValue(code, out var shared))
            {
                return shared;
            }

            var text = UserText.Code(code);
            if (codes.Count < MaxShared)
            {
                codes.Add(text, text);
            }

            return text;
        }
    }

    static string Printable(char separator) => separator == '\t' ? "tab" : separator.ToString();

    static string At(int line, int zeroBasedColumn) => $"line {line}, column {zeroBasedColumn + 1}";

    static Finding EmptyFile() => new(RuleIds.FileEmpty, Severity.Error, "The file has no values.", "Add one line per data item and year under the header 'item,year,value', with the value (or a status of 'not applicable' or 'not available').", Pointer: "line 1", Line: 1);
}
