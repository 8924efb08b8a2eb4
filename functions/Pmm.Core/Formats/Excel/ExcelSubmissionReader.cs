using System.Globalization;
using System.IO.Compression;
using System.Xml;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Formats.Excel;

/// <summary>
/// Bounds on what an uploaded workbook may expand to and hold. An .xlsx is a zip: <see cref="MaxUncompressedBytes"/> and
/// <see cref="MaxEntries"/> are checked on the zip's directory before anything is decompressed, so a zip bomb is refused
/// without being expanded. The others are counted while the parts are streamed, and reading stops at the first item
/// past one of them (an 89 KB file declaring 6.3 million empty rows passed the zip checks and took 5.6 s and 900 MB):
/// rows of a sheet, cells of a sheet, shared strings, XML elements of any part, and characters of one string
/// (Excel's own limit for a cell). The template uses a few hundred of each.
/// </summary>
public sealed record ExcelLimits(
    long MaxUncompressedBytes = 50 * 1024 * 1024,
    int MaxEntries = 1000,
    int MaxRowsPerSheet = 10_000,
    int MaxCellsPerSheet = 100_000,
    int MaxSharedStrings = 50_000,
    int MaxElementsPerPart = 500_000,
    int MaxStringLength = 32_767);

/// <summary>
/// Reads a filled-in <see cref="ExcelTemplate"/>: sheet "Data", header row 1 (A1 "Item code", D1 year T, E1 year T-1,
/// F1/G1 their statuses), then one row per item with the item code in column A, the values for T and T-1 in columns
/// D and E, their statuses in F and G, a reason in H and a comment in I (<see cref="ExcelTemplate.DataColumns"/>);
/// and sheet "Disclosure", one KPI per row with the chosen level in column D. Empty cells are not reported; text that
/// is not a number and formulas without a saved result are reported as findings. Bad input never throws: it becomes
/// a finding. The parts are streamed straight from the zip (<see cref="XlsxPackage"/>), without the Open XML SDK, which
/// took several times longer to open a package than to read it.
/// </summary>
public static class ExcelSubmissionReader
{
    const int CodeColumn = ExcelTemplate.DataColumns.Code;
    const int LastColumn = ExcelTemplate.DataColumns.Comment;

    const string Workbook = "workbook";
    const string SaveAsXlsx = "Open the file in Excel and save it with File > Save As > 'Excel Workbook (*.xlsx)', or start again from the template downloaded for this cycle.";

    // An OLE compound file: Excel 97-2003 .xls, or any Office file saved with a password.
    static ReadOnlySpan<byte> CompoundFileSignature => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <summary>Reads the observations of an .xlsx submission; problems become findings, never exceptions.</summary>
    public static ParsedSubmission Read(Stream xlsx, ExcelLimits limits)
    {
        ArgumentNullException.ThrowIfNull(xlsx);
        ArgumentNullException.ThrowIfNull(limits);
        var (stream, refused) = Inspect(xlsx, limits);
        if (refused is not null)
        {
            return new ParsedSubmission([], [refused], 0);
        }

        try
        {
            using var package = XlsxPackage.Open(stream, limits);
            return package is null ? new ParsedSubmission([], [NotXlsx()], 0) : ReadWorkbook(package, limits);
        }
        catch (ExcelLimitException ex)
        {
            return new ParsedSubmission([], [new Finding(RuleIds.FileBeyondLimits, Severity.Error, ex.Message, ex.Hint, Pointer: ex.Pointer)], 0);
        }
        catch (DamagedWorkbookException ex)
        {
            return new ParsedSubmission([], [new Finding(RuleIds.FileUnreadable, Severity.Error, ex.Message, SaveAsXlsx, Pointer: ex.Pointer)], 0);
        }
        catch (Exception ex) when (IsBadInput(ex))
        {
            return new ParsedSubmission([], [Damaged(ex)], 0);
        }
    }

    /// <summary>
    /// What the template's hidden sheet "Meta" says the file was made for (cycle, year, Member, catalogue
    /// version), so a caller can refuse a file made for another cycle or Member; null when the file is not
    /// a readable workbook or has no such sheet.
    /// </summary>
    public static ExcelTemplateInfo? ReadTemplateInfo(Stream xlsx, ExcelLimits limits)
    {
        ArgumentNullException.ThrowIfNull(xlsx);
        ArgumentNullException.ThrowIfNull(limits);
        var (stream, refused) = Inspect(xlsx, limits);
        if (refused is not null)
        {
            return null;
        }

        try
        {
            using var package = XlsxPackage.Open(stream, limits);
            return package is null ? null : TemplateInfo(package, SharedStrings(package, limits), limits);
        }
        catch (Exception ex) when (IsBadInput(ex))
        {
            return null;
        }
    }

    /// <summary>
    /// Checks the zip's directory against the limits without decompressing anything; returns a seekable
    /// stream positioned at the start, or the finding that refuses the file.
    /// </summary>
    static (Stream Stream, Finding? Refused) Inspect(Stream xlsx, ExcelLimits limits)
    {
        var stream = xlsx;
        try
        {
            if (!stream.CanSeek)
            {
                // Copy at most one byte more than the limit: a bigger upload is refused without reading it all.
                var copy = new MemoryStream();
                var buffer = new byte[81920];
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    copy.Write(buffer, 0, read);
                    if (copy.Length > limits.MaxUncompressedBytes)
                    {
                        return (stream, TooBig(limits));
                    }
                }

                stream = copy;
            }
            else if (stream.Length > limits.MaxUncompressedBytes)
            {
                return (stream, TooBig(limits));
            }

            stream.Position = 0;
            Span<byte> head = stackalloc byte[8];
            var headLength = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            if (headLength == 0)
            {
                return (stream, new Finding(RuleIds.FileEmpty, Severity.Error, "The file is empty (0 bytes).", "Upload the filled-in template saved as 'Excel Workbook (*.xlsx)'.", Pointer: Workbook));
            }

            if (head[..headLength].SequenceEqual(CompoundFileSignature))
            {
                return (stream, Unreadable("The file is an Excel 97-2003 workbook (.xls) or a password-protected file, not an Excel .xlsx file.", "Remove any password (File > Info > Protect Workbook), then save with File > Save As > 'Excel Workbook (*.xlsx)'."));
            }

            if (headLength < 4 || head[0] != (byte)'P' || head[1] != (byte)'K')
            {
                return (stream, NotXlsx());
            }

            using (var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true))
            {
                if (zip.Entries.Count > limits.MaxEntries)
                {
                    return (stream, Unreadable($"The file holds {zip.Entries.Count} parts; an Excel workbook made from the template has far fewer (at most {limits.MaxEntries} are accepted).", SaveAsXlsx));
                }

                // Entry lengths are the sizes the zip declares; the zip reader never yields more than declared.
                var total = 0L;
                foreach (var entry in zip.Entries)
                {
                    if (entry.Length < 0 || entry.Length > limits.MaxUncompressedBytes - total)
                    {
                        return (stream, TooBig(limits));
                    }

                    total += entry.Length;
                }
            }

            stream.Position = 0;
            return (stream, null);
        }
        catch (Exception ex) when (IsBadInput(ex))
        {
            return (stream, NotXlsx());
        }
    }

    static ParsedSubmission ReadWorkbook(XlsxPackage package, ExcelLimits limits)
    {
        if (Worksheet(package, ExcelTemplate.DataSheet) is not { } worksheetPart)
        {
            var names = package.Sheets.Select(s => s.Name).OfType<string>();
            return new ParsedSubmission([], [new Finding(
                RuleIds.HeaderMissingColumn,
                Severity.Error,
                $"The workbook has no sheet named '{ExcelTemplate.DataSheet}'.",
                $"Fill in the template downloaded for this cycle: values go in its sheet '{ExcelTemplate.DataSheet}'; do not rename or delete it.",
                Pointer: Workbook,
                Found: UserText.Excerpt(string.Join(", ", names)),
                Expected: ExcelTemplate.DataSheet)], 0);
        }

        var strings = SharedStrings(package, limits);
        var rows = ReadRows(package, worksheetPart, ExcelTemplate.DataSheet, strings, limits);
        var findings = new FindingList();
        var header = rows.FirstOrDefault(r => r.Number == 1);
        CheckText(header?.A, "A1", ExcelTemplate.CodeHeader, findings);
        var year = HeaderYear(header?.D, "D1", null, findings);
        var previousYear = HeaderYear(header?.E, "E1", year - 1, findings);

        if (findings.Count == 0 && TemplateInfo(package, strings, limits) is { } info && info.ReportingYear != year)
        {
            findings.Add(new Finding(
                RuleIds.WrongYear,
                Severity.Error,
                $"The year heading {Cell("D1")} reads {year}, but this template was made for {info.ReportingYear}.",
                $"Do not change the header row; fill in a fresh copy of the template for cycle {info.CycleId}.",
                Pointer: Cell("D1"),
                Found: year?.ToString(CultureInfo.InvariantCulture),
                Expected: info.ReportingYear.ToString(CultureInfo.InvariantCulture)));
        }

        if (findings.Count == 0 && year is { } y)
        {
            CheckText(header?[ExcelTemplate.DataColumns.Status], "F1", ExcelTemplate.StatusHeaderFor(y), findings);
            CheckText(header?[ExcelTemplate.DataColumns.PreviousStatus], "G1", ExcelTemplate.StatusHeaderFor(y - 1), findings);
        }

        if (findings.Count > 0 || year is not { } t || previousYear is not { } t1)
        {
            return new ParsedSubmission([], findings, 0);
        }

        var observations = new List<Observation>();
        var comments = new List<ItemComment>();
        var dataRows = 0;
        foreach (var row in rows)
        {
            var code = Code(row.A);
            if (row.Number < 2 || string.IsNullOrEmpty(code))
            {
                continue;
            }

            dataRows++;
            if (Trimmed(row[ExcelTemplate.DataColumns.Comment]) is { } fullComment && UserText.LongText(fullComment) is var comment)
            {
                comments.Add(new ItemComment(code, comment, Cell(row[ExcelTemplate.DataColumns.Comment]!.Reference)));
            }

            var now = Entry(row[ExcelTemplate.DataColumns.Value], row[ExcelTemplate.DataColumns.Status], code, t, findings);
            var before = Entry(row[ExcelTemplate.DataColumns.PreviousValue], row[ExcelTemplate.DataColumns.PreviousStatus], code, t1, findings);
            if (row[ExcelTemplate.DataColumns.Reason] is { } reasonCell && Trimmed(reasonCell) is { } fullReason && UserText.LongText(fullReason) is var reason)
            {
                // One reason per row: it explains the year(s) with a status; with no status, the validator says it is not kept.
                var reasonPointer = Cell(reasonCell.Reference);
                if (now?.State is not (null or ValueState.Reported) || before?.State is not (null or ValueState.Reported))
                {
                    now = now is { State: not ValueState.Reported } ? now with { Reason = reason } : now;
                    before = before is { State: not ValueState.Reported } ? before with { Reason = reason } : before;
                }
                else
                {
                    now = (now ?? new Observation(code, t, null, reasonPointer)) with { Reason = reason, StatePointer = reasonPointer };
                }
            }

            var itemPointer = Cell(row.A!.Reference);
            if (now is not null)
            {
                observations.Add(now with { ItemPointer = itemPointer });
            }

            if (before is not null)
            {
                observations.Add(before with { ItemPointer = itemPointer });
            }
        }

        var disclosures = ReadDisclosure(package, strings, findings, limits);
        if (observations.Count == 0 && findings.Count == 0)
        {
            findings.Add(new Finding(
                RuleIds.FileEmpty,
                Severity.Error,
                $"The sheet '{ExcelTemplate.DataSheet}' has no values: columns D ({t}) and E ({t1}) are empty.",
                $"Write each item's value for {t} in column D (and for {t1} in column E where the cell is white), then save and upload again.",
                Pointer: Cell("D2")));
        }

        return new ParsedSubmission(observations, findings, dataRows, $"Excel (.xlsx), sheet {ExcelTemplate.DataSheet}, years {t}/{t1}")
        {
            Comments = comments,
            Disclosures = disclosures,
        };
    }

    /// <summary>The disclosure choices of the sheet "Disclosure" (none when the sheet is absent): KPI code in A, level in D.</summary>
    static List<DisclosureChoice> ReadDisclosure(XlsxPackage package, IReadOnlyList<string> strings, FindingList findings, ExcelLimits limits)
    {
        var choices = new List<DisclosureChoice>();
        if (Worksheet(package, ExcelTemplate.DisclosureSheet) is not { } part)
        {
            return choices;
        }

        foreach (var row in ReadRows(package, part, ExcelTemplate.DisclosureSheet, strings, limits))
        {
            var code = Code(row.A);
            if (row.Number < 2 || string.IsNullOrEmpty(code) || row[ExcelTemplate.DisclosureColumns.Level] is not { } cell || Trimmed(cell) is not { } level)
            {
                continue;
            }

            var pointer = $"{ExcelTemplate.DisclosureSheet}!{cell.Reference}";
            if (cell.Kind != CellKind.Text)
            {
                findings.Add(new Finding(RuleIds.InvalidDisclosureLevel, Severity.Error, $"{pointer} holds '{UserText.Excerpt(level)}', not a disclosure level.", "Choose the level from the cell's dropdown list.", code, pointer, Found: UserText.Excerpt(level)));
                continue;
            }

            choices.Add(new DisclosureChoice(code, UserText.Code(level), pointer));
        }

        return choices;
    }

    /// <summary>The text of a cell, trimmed; null when empty.</summary>
    static string? Trimmed(CellContent? cell) => cell?.Text?.Trim() is { Length: > 0 } text ? text : null;

    /// <summary>The item or KPI code of a row (column A), trimmed and cut as every code read is (<see cref="UserText.Code(string)"/>).</summary>
    static string? Code(CellContent? cell) => cell?.Text?.Trim() is { } text ? UserText.Code(text) : null;

    /// <summary>
    /// One year of a row: nothing when its value and status are empty; otherwise an observation with the value
    /// (when it can be read) and the state. Problems become findings.
    /// </summary>
    static Observation? Entry(CellContent? valueCell, CellContent? statusCell, string code, int year, FindingList findings)
    {
        var state = ValueState.Reported;
        string? statePointer = null;
        if (Trimmed(statusCell) is { } status)
        {
            statePointer = Cell(statusCell!.Reference);
            if (!ValueStates.TryParse(status, out state))
            {
                findings.Add(new Finding(RuleIds.UnknownState, Severity.Error, $"'{UserText.Excerpt(status)}' in {statePointer} is not a status.", ValueStates.Hint(status) + " Choose from the cell's dropdown list.", code, statePointer, Found: UserText.Excerpt(status), Expected: ValueStates.Expected));
                return new Observation(code, year, null, statePointer);
            }
        }

        var value = Value(valueCell, code, year, findings);
        if (value is null)
        {
            return state == ValueState.Reported ? null : new Observation(code, year, null, statePointer!) { State = state, StatePointer = statePointer };
        }

        return value with { State = state, StatePointer = state == ValueState.Reported ? null : statePointer };
    }

    /// <summary>One value cell: nothing when empty, an observation when a number, a finding (and an observation without value) otherwise.</summary>
    static Observation? Value(CellContent? cell, string code, int year, FindingList findings)
    {
        if (cell is not { } c || (c.Formula is null && string.IsNullOrWhiteSpace(c.Text)))
        {
            return null;
        }

        var pointer = Cell(c.Reference);
        if (c.Formula is not null)
        {
            if (c.Kind == CellKind.Number && ExcelNumber(c.Text, out var result))
            {
                return new Observation(code, year, result, pointer);
            }

            var saved = string.IsNullOrWhiteSpace(c.Text) ? " has no saved result" : $" gives '{UserText.Excerpt(c.Text)}', which is not a number";
            return NotANumber($"{pointer} holds a formula (={UserText.Excerpt(c.Formula)}) that{saved}; formulas must be replaced by their values.", "Replace the formula by its value (Copy, then Paste Special > Values), save in Excel and upload again.");
        }

        var text = c.Text!;
        return c.Kind switch
        {
            CellKind.Number when ExcelNumber(text, out var number) => new Observation(code, year, number, pointer),
            CellKind.Number => NotANumber($"{pointer} holds '{UserText.Excerpt(text)}', which is not a number that can be used.", "Type the value again as a plain number, e.g. 1234.5."),
            CellKind.Text when TextNumber(text, out var parsed) => new Observation(code, year, parsed, pointer),
            CellKind.Text => NotANumber($"'{UserText.Excerpt(text.Trim())}' in {pointer} is not a number.", "Write the number only, without units, words or thousands separators (e.g. 1234.5); if you have no value, leave it empty and choose a status."),
            CellKind.Error => NotANumber($"{pointer} holds the Excel error {UserText.Excerpt(text)}, not a number.", "Replace it by the value, or leave the cell empty if you have no value."),
            CellKind.Boolean => NotANumber($"{pointer} holds {(text.Trim() == "1" ? "TRUE" : "FALSE")}, not a number.", "Write the number only, or leave the cell empty if you have no value."),
            _ => NotANumber($"{pointer} holds a date or another kind of value ('{UserText.Excerpt(text)}'), not a number.", "Format the cell as Number and type the value again, or leave it empty if you have no value."),
        };

        Observation NotANumber(string message, string hint)
        {
            findings.Add(new Finding(RuleIds.NotANumber, Severity.Error, message, hint, code, pointer, Found: UserText.Excerpt(c.Formula is null ? c.Text?.Trim() : $"={c.Formula}"), Expected: "a number"));
            return new Observation(code, year, null, pointer);
        }
    }

    /// <summary>
    /// A number as Excel stores it (a double written in invariant culture), to 15 significant digits as
    /// Excel shows it, so that 0.1 typed in Excel and saved as 0.10000000000000001 reads as 0.1.
    /// </summary>
    static bool ExcelNumber(string? text, out decimal value)
    {
        value = 0;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d) || Math.Abs(d) >= 7.9e28)
        {
            return false;
        }

        value = (decimal)d;
        return true;
    }

    /// <summary>A number typed in a text cell: invariant culture (decimal point); spaces and apostrophes grouping thousands are ignored.</summary>
    static bool TextNumber(string text, out decimal value)
    {
        var s = text.Trim().Replace(" ", "", StringComparison.Ordinal).Replace("\u00A0", "", StringComparison.Ordinal)
            .Replace("\u202F", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal);
        return decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    static void CheckText(CellContent? cell, string reference, string expected, FindingList findings)
    {
        var found = cell?.Text?.Trim() ?? "";
        if (!string.Equals(found, expected, StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(HeaderChanged(reference, found, expected));
        }
    }

    /// <summary>A header cell holding a four-digit year (as text or number), optionally a given one.</summary>
    static int? HeaderYear(CellContent? cell, string reference, int? expected, FindingList findings)
    {
        var found = cell?.Text?.Trim() ?? "";
        if (found.Length == 4 && found.All(char.IsAsciiDigit) && int.Parse(found, CultureInfo.InvariantCulture) is var year && (expected is null || year == expected))
        {
            return year;
        }

        var wanted = expected is { } e ? e.ToString(CultureInfo.InvariantCulture) : "a four-digit year";
        findings.Add(HeaderChanged(reference, found, wanted));
        return null;
    }

    static Finding HeaderChanged(string reference, string found, string expected) => new(
        RuleIds.HeaderMissingColumn,
        Severity.Error,
        found.Length == 0 ? $"The header cell {Cell(reference)} is empty; it should read '{expected}'." : $"The header cell {Cell(reference)} reads '{UserText.Excerpt(found)}'; it should read '{expected}'.",
        $"Do not change the header row of the sheet '{ExcelTemplate.DataSheet}' (item code in A, year T in D, year T-1 in E, their statuses in F and G); copy your values into a fresh template for this cycle.",
        Pointer: Cell(reference),
        Found: UserText.Excerpt(found),
        Expected: expected);

    /// <summary>
    /// The part of the first sheet whose name, trimmed, is <paramref name="name"/> ignoring case; null when there is no
    /// such sheet or it is not a worksheet.
    /// </summary>
    static string? Worksheet(XlsxPackage package, string name) =>
        package.Sheets.FirstOrDefault(s => string.Equals(s.Name?.Trim(), name, StringComparison.OrdinalIgnoreCase))?.RelationshipId is { } id
            ? package.WorksheetPart(id)
            : null;

    /// <summary>
    /// The cells of columns A to I of each row (worksheet/sheetData/row/c), found by their reference (rows may omit
    /// empty cells, and cells or rows their reference). The whole part is read.
    /// </summary>
    static List<RowContent> ReadRows(XlsxPackage package, string part, string sheetName, IReadOnlyList<string> strings, ExcelLimits limits)
    {
        var rows = new List<RowContent>();
        var lastRow = 0;
        var cellCount = 0;
        using var reader = package.Read(part);
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "worksheet" || !package.IsMain(reader.NamespaceURI))
        {
            XlsxPackage.ReadToEnd(reader);
            return rows;
        }

        var inSheetData = false;
        var cells = new List<RawCell>();
        while (XlsxPackage.ReadInRoot(reader))
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.Depth == 1)
            {
                inSheetData = reader.LocalName == "sheetData" && package.IsMain(reader.NamespaceURI);
            }
            else if (reader.Depth == 2 && inSheetData && reader.LocalName == "row" && package.IsMain(reader.NamespaceURI))
            {
                if (rows.Count == limits.MaxRowsPerSheet)
                {
                    throw TooManyRows(sheetName, reader.GetAttribute("r"), lastRow, limits);
                }

                rows.Add(ReadRow(package, reader, cells, ref lastRow, ref cellCount, sheetName, strings, limits));
            }
        }

        return rows;
    }

    /// <summary>
    /// A row's number (attribute r) read as the SDK read it: whitespace around allowed. An empty or unreadable one made the
    /// SDK throw ("Nullable object must have a value."); it is reported as a damaged row, pointing at it.
    /// </summary>
    static uint? RowNumber(string? attribute, string sheetName, int lastRow)
    {
        if (attribute is null)
        {
            return null;
        }

        if (uint.TryParse(attribute.AsSpan().Trim(XmlWhitespace), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var row = lastRow + 1;
        var what = attribute.Length == 0 ? "an empty row number" : $"the row number '{UserText.Excerpt(attribute)}', which is not a number";
        throw new DamagedWorkbookException(
            $"The file could not be read as an Excel workbook: the row after row {lastRow} of the sheet '{UserText.Excerpt(sheetName)}' has {what}; the file is damaged or was not saved by Excel.",
            string.Create(CultureInfo.InvariantCulture, $"{sheetName}!A{row}"));
    }

    /// <summary>The characters XML counts as whitespace around a number.</summary>
    static ReadOnlySpan<char> XmlWhitespace => [' ', '\t', '\r', '\n'];

    /// <summary>
    /// The cells of one row (numbered after <paramref name="lastRow"/> when it has no reference); the reader is on the
    /// row's start and is left on its end. The row is read to its end before its number and cells are looked at, as the
    /// SDK loaded a whole row first (a broken row is reported as such, not by its content).
    /// </summary>
    static RowContent ReadRow(XlsxPackage package, XmlReader reader, List<RawCell> cells, ref int lastRow, ref int cellCount, string sheetName, IReadOnlyList<string> strings, ExcelLimits limits)
    {
        var reference = reader.GetAttribute("r");
        cells.Clear();
        var depth = reader.Depth;
        var lastColumn = 0;
        var empty = reader.IsEmptyElement;
        while (!empty && reader.Read() && reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element || reader.Depth != depth + 1 || reader.LocalName != "c" || !package.IsMain(reader.NamespaceURI))
            {
                continue;
            }

            var cellReference = reader.GetAttribute("r");
            var column = cellReference is not null && ColumnOf(cellReference) is > 0 and var c ? c : lastColumn + 1;
            lastColumn = column;
            if (++cellCount > limits.MaxCellsPerSheet)
            {
                throw Beyond(
                    CellPointer(sheetName, cellReference, column, reference, lastRow),
                    $"The sheet '{UserText.Excerpt(sheetName)}' holds more than {limits.MaxCellsPerSheet:N0} cells; the template has a few hundred, so the file was not read further.",
                    "Copy only your values into a fresh template downloaded for this cycle (Paste Special > Values), and save it as 'Excel Workbook (*.xlsx)'.");
            }

            var type = reader.GetAttribute("t");
            var (value, formula, inline) = ReadCell(package, reader);
            if (Math.Max(value?.Length ?? 0, Math.Max(formula?.Length ?? 0, inline?.Length ?? 0)) > limits.MaxStringLength)
            {
                throw Beyond(
                    CellPointer(sheetName, cellReference, column, reference, lastRow),
                    $"A cell of the sheet '{UserText.Excerpt(sheetName)}' holds more than {limits.MaxStringLength:N0} characters, more than Excel itself allows in a cell; the file was not read further.",
                    "Shorten the text of that cell (comments and reasons are kept up to 2,000 characters), save in Excel and upload again.");
            }

            if (column is >= CodeColumn and <= LastColumn)
            {
                cells.Add(new RawCell(column, type, value, formula, inline));
            }
        }

        var number = RowNumber(reference, sheetName, lastRow) is { } index ? (int)index : lastRow + 1;
        lastRow = number;
        var content = new RowContent(number);
        foreach (var cell in cells)
        {
            content.Cells[cell.Column - 1] = Content(cell.Type, cell.Value, cell.Formula, cell.Inline, cell.Column, number, sheetName, strings);
        }

        return content;
    }

    /// <summary>A cell's first v, f and is children (null when absent); the reader is on the cell's start and is left on its end.</summary>
    static (string? Value, string? Formula, string? Inline) ReadCell(XlsxPackage package, XmlReader reader)
    {
        string? value = null, formula = null, inline = null;
        if (reader.IsEmptyElement)
        {
            return (value, formula, inline);
        }

        var depth = reader.Depth;
        while (reader.Read() && reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element || reader.Depth != depth + 1 || !package.IsMain(reader.NamespaceURI))
            {
                continue;
            }

            switch (reader.LocalName)
            {
                case "v" when value is null:
                    value = XlsxPackage.LeafText(reader);
                    break;
                case "f" when formula is null:
                    formula = XlsxPackage.LeafText(reader);
                    break;
                case "is" when inline is null:
                    inline = RichText(package, reader);
                    break;
            }
        }

        return (value, formula, inline);
    }

    /// <summary>
    /// A cell's content; null for a cell with neither value, formula nor inline text (it reads as no cell at all), once
    /// its type is checked.
    /// </summary>
    static CellContent? Content(string? type, string? raw, string? formula, string? inline, int column, int row, string sheetName, IReadOnlyList<string> strings)
    {
        if (raw is null && formula is null && inline is null && type is not "s")
        {
            return type is null or "n" or "str" or "e" or "b" or "d" or "inlineStr" ? null : throw InvalidCellType();
        }

        var reference = Reference(column, row);
        switch (type)
        {
            case "s":
                var text = int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < strings.Count
                    ? strings[i]
                    : throw new DamagedWorkbookException($"The file could not be read as an Excel workbook: cell {sheetName}!{reference} refers to shared string '{UserText.Excerpt(raw)}', which does not exist; the file is damaged or was not saved by Excel.", $"{sheetName}!{reference}");
                return new CellContent(reference, CellKind.Text, text, formula);
            case "inlineStr":
                return new CellContent(reference, CellKind.Text, inline ?? raw, formula);
            case null or "n":
                return new CellContent(reference, CellKind.Number, raw, formula);
            case "str":
                return new CellContent(reference, CellKind.Text, raw, formula);
            case "e":
                return new CellContent(reference, CellKind.Error, raw, formula);
            case "b":
                return new CellContent(reference, CellKind.Boolean, raw, formula);
            case "d":
                return new CellContent(reference, CellKind.Other, raw, formula);
            default:
                throw InvalidCellType();
        }
    }

    /// <summary>A cell type other than those of SpreadsheetML (case-sensitive), which made the SDK throw.</summary>
    static InvalidDataException InvalidCellType() => new("The text value is not a valid enumeration value.");

    /// <summary>The shared strings (sst/si), read one item at a time; the whole part is read.</summary>
    static List<string> SharedStrings(XlsxPackage package, ExcelLimits limits)
    {
        var strings = new List<string>();
        if (package.SharedStringsPart is not { } part)
        {
            return strings;
        }

        using var reader = package.Read(part);
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "sst" || !package.IsMain(reader.NamespaceURI))
        {
            XlsxPackage.ReadToEnd(reader);
            return strings;
        }

        while (XlsxPackage.ReadInRoot(reader))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == 1 && reader.LocalName == "si" && package.IsMain(reader.NamespaceURI))
            {
                if (strings.Count == limits.MaxSharedStrings)
                {
                    throw Beyond(
                        part,
                        $"The workbook's shared strings ({part}) hold more than {limits.MaxSharedStrings:N0} texts; the template has a few hundred, so the file was not read further.",
                        "Copy only your values into a fresh template downloaded for this cycle, without other sheets or text, and save it as 'Excel Workbook (*.xlsx)'.");
                }

                var text = RichText(package, reader);
                if (text.Length > limits.MaxStringLength)
                {
                    throw Beyond(
                        part,
                        $"Text number {strings.Count + 1:N0} of the workbook's shared strings ({part}) is longer than {limits.MaxStringLength:N0} characters, more than Excel itself allows in a cell; the file was not read further.",
                        "Shorten the long text (comments and reasons are kept up to 2,000 characters), save in Excel and upload again.");
                }

                strings.Add(text);
            }
        }

        return strings;
    }

    /// <summary>
    /// The text of a string item (si, is): its first t, or else the runs (r/t) of rich text, phonetic hints left out.
    /// The reader is on the item's start and is left on its end.
    /// </summary>
    static string RichText(XlsxPackage package, XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            return "";
        }

        string? text = null;
        List<string>? runs = null;
        var depth = reader.Depth;
        while (reader.Read() && reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element || reader.Depth != depth + 1 || !package.IsMain(reader.NamespaceURI))
            {
                continue;
            }

            if (reader.LocalName == "t")
            {
                text ??= XlsxPackage.LeafText(reader);
            }
            else if (reader.LocalName == "r" && text is null)
            {
                (runs ??= []).Add(RunText(package, reader));
            }
        }

        return text ?? (runs is null ? "" : string.Concat(runs));
    }

    /// <summary>The text of a run (its first t, "" without one); the reader is on the run's start and is left on its end.</summary>
    static string RunText(XlsxPackage package, XmlReader reader)
    {
        string? text = null;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            while (reader.Read() && reader.Depth > depth)
            {
                if (text is null && reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1 && reader.LocalName == "t" && package.IsMain(reader.NamespaceURI))
                {
                    text = XlsxPackage.LeafText(reader);
                }
            }
        }

        return text ?? "";
    }

    static ExcelTemplateInfo? TemplateInfo(XlsxPackage package, IReadOnlyList<string> strings, ExcelLimits limits)
    {
        var id = package.Sheets.FirstOrDefault(s => s.Name == ExcelTemplate.MetaSheet)?.RelationshipId;
        if (id is null || package.WorksheetPart(id) is not { } part)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in ReadRows(package, part, ExcelTemplate.MetaSheet, strings, limits))
        {
            if (row.A?.Text is { } key && row.B?.Text is { } value)
            {
                values[key.Trim()] = value;
            }
        }

        return values.TryGetValue(ExcelTemplate.MetaCycleId, out var cycle)
            && values.TryGetValue(ExcelTemplate.MetaReportingYear, out var yearText)
            && int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && values.TryGetValue(ExcelTemplate.MetaMemberCode, out var member)
            ? new ExcelTemplateInfo(cycle, year, member, values.GetValueOrDefault(ExcelTemplate.MetaMemberName) ?? member, values.GetValueOrDefault(ExcelTemplate.MetaCatalogueVersion) ?? "")
            : null;
    }

    /// <summary>Column number of a cell reference such as "D7" (A = 1); 0 when it has no letters.</summary>
    static int ColumnOf(string reference)
    {
        var column = 0;
        foreach (var ch in reference)
        {
            var upper = char.ToUpperInvariant(ch);
            if (upper is < 'A' or > 'Z' || column > 100_000)
            {
                break;
            }

            column = (column * 26) + (upper - 'A' + 1);
        }

        return column;
    }

    /// <summary>The reference of a cell of columns A to I, such as "D7".</summary>
    static string Reference(int column, int row) => string.Create(CultureInfo.InvariantCulture, $"{(char)('A' + column - 1)}{row}");

    static string Cell(string reference) => $"{ExcelTemplate.DataSheet}!{reference}";

    /// <summary>The finding for a sheet with more rows than a template can have, pointing at the first row past the limit.</summary>
    static ExcelLimitException TooManyRows(string sheetName, string? reference, int lastRow, ExcelLimits limits)
    {
        var row = uint.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : (uint)lastRow + 1;
        return Beyond(
            string.Create(CultureInfo.InvariantCulture, $"{sheetName}!A{row}"),
            $"The sheet '{UserText.Excerpt(sheetName)}' has more than {limits.MaxRowsPerSheet:N0} rows (row {row} is the first not read); the template has about a hundred, so the file was not read further.",
            "Delete the rows below your data (select them, right-click > Delete, even if they look empty), or copy your values into a fresh template for this cycle; then save and upload again.");
    }

    /// <summary>Where a cell past a limit is: its own reference, or one made from its column and row.</summary>
    static string CellPointer(string sheetName, string? reference, int column, string? rowReference, int lastRow)
    {
        if (reference is not null && reference.Length <= 12 && reference.All(char.IsAsciiLetterOrDigit))
        {
            return $"{sheetName}!{reference}";
        }

        var row = uint.TryParse(rowReference, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : (uint)lastRow + 1;
        var letters = "";
        for (var c = column; c > 0; c = (c - 1) / 26)
        {
            letters = (char)('A' + ((c - 1) % 26)) + letters;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{sheetName}!{letters}{row}");
    }

    static ExcelLimitException Beyond(string pointer, FormattableString message, string hint) => new(pointer, message.ToString(CultureInfo.InvariantCulture), hint);

    /// <summary>
    /// The finding for a workbook that cannot be read. The exception's own message is for programmers (it once showed
    /// users "Nullable object must have a value."), so only what it tells about the file is said.
    /// </summary>
    static Finding Damaged(Exception ex) => Unreadable(
        ex is XmlException xml
            ? string.Create(CultureInfo.InvariantCulture, $"The file could not be read as an Excel workbook: one of its parts is not well-formed XML, or uses XML that Excel never writes, such as a DTD (line {xml.LineNumber}, position {xml.LinePosition}).")
            : "The file could not be read as an Excel workbook: it is damaged or incomplete, or was not saved by Excel (its parts do not fit together as those of an .xlsx file do).",
        SaveAsXlsx);

    static bool IsBadInput(Exception ex) => ex is not (OutOfMemoryException or StackOverflowException or OperationCanceledException);

    static Finding NotXlsx() => Unreadable("The file is not an Excel .xlsx file.", SaveAsXlsx);

    static Finding TooBig(ExcelLimits limits) => Unreadable(
        $"The file expands to more than {Size(limits.MaxUncompressedBytes)}; a filled-in template is far smaller.",
        "Upload the template for this cycle with only its values filled in: remove other sheets, pictures and objects, then save as 'Excel Workbook (*.xlsx)'.");

    static string Size(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024d * 1024d)).ToString("0.#", CultureInfo.InvariantCulture) + " MB"
        : Math.Ceiling(bytes / 1024d).ToString(CultureInfo.InvariantCulture) + " KB";

    static Finding Unreadable(string message, string hint) => new(RuleIds.FileUnreadable, Severity.Error, message, hint, Pointer: Workbook);

    enum CellKind
    {
        Number,
        Text,
        Error,
        Boolean,
        Other,
    }

    /// <summary>A cell of columns A to I as read, before its type is checked and its shared string looked up.</summary>
    readonly record struct RawCell(int Column, string? Type, string? Value, string? Formula, string? Inline);

    /// <summary>A cell's stored text and kind; <see cref="Formula"/> is set when the cell holds a formula.</summary>
    sealed record CellContent(string Reference, CellKind Kind, string? Text, string? Formula);

    /// <summary>The cells of columns A to I of one row (null where the row has none).</summary>
    sealed class RowContent(int number)
    {
        public int Number { get; } = number;

        public CellContent?[] Cells { get; } = new CellContent?[LastColumn];

        public CellContent? A => Cells[0];

        public CellContent? B => Cells[1];

        public CellContent? D => Cells[ExcelTemplate.DataColumns.Value - 1];

        public CellContent? E => Cells[ExcelTemplate.DataColumns.PreviousValue - 1];

        /// <summary>The cell of a column (1 = A).</summary>
        public CellContent? this[int column] => Cells[column - 1];
    }
}
