using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Formats.Excel;

/// <summary>What the hidden sheet "Meta" of a template says the file was made for.</summary>
public sealed record ExcelTemplateInfo(string CycleId, int ReportingYear, string MemberCode, string MemberName, string CatalogueVersion);

/// <summary>
/// Builds the Excel (.xlsx) template a Member fills in: a sheet "Instructions"; a protected sheet "Data" with one
/// row per catalogue data item (columns: item code, label, unit, value for year T, value for T-1, status for T,
/// status for T-1, reason, comment; only the last six can be typed in, statuses from a dropdown); a protected
/// sheet "Disclosure" with one row per KPI and a dropdown of disclosure levels, set to the KPI's default; and a
/// hidden sheet "Meta" naming the cycle, year, Member and catalogue version the file was made for.
/// </summary>
public static class ExcelTemplate
{
    public const string InstructionsSheet = "Instructions";
    public const string DataSheet = "Data";
    public const string DisclosureSheet = "Disclosure";
    public const string MetaSheet = "Meta";

    public const string CodeHeader = "Item code";
    public const string LabelHeader = "Data item";
    public const string UnitHeader = "Unit";
    public const string StatusHeader = "Status";
    public const string ReasonHeader = "Reason (if not applicable / not available)";
    public const string CommentHeader = "Comment";
    public const string KpiCodeHeader = "KPI code";
    public const string KpiHeader = "KPI";
    public const string DefaultLevelHeader = "Default level";
    public const string LevelHeader = "Disclosure level";
    public const string RequiredSuffix = " (required)";

    /// <summary>Keys of the hidden sheet "Meta" (column A), with their values in column B.</summary>
    public const string MetaCycleId = "cycleId";
    public const string MetaReportingYear = "reportingYear";
    public const string MetaMemberCode = "memberCode";
    public const string MetaMemberName = "memberName";
    public const string MetaCatalogueVersion = "catalogueVersion";
    public const string MetaTemplateVersion = "templateVersion";

    /// <summary>Raised when the layout of the template changes in a way a reader must know about.</summary>
    public const string TemplateVersion = "2";

    /// <summary>Columns of the sheet "Data" (1 = A). One source of truth for the template and its reader.</summary>
    public static class DataColumns
    {
        public const int Code = 1; // A
        public const int Label = 2; // B
        public const int Unit = 3; // C
        public const int Value = 4; // D: year T
        public const int PreviousValue = 5; // E: year T-1
        public const int Status = 6; // F: status for year T
        public const int PreviousStatus = 7; // G: status for year T-1
        public const int Reason = 8; // H
        public const int Comment = 9; // I
    }

    /// <summary>Columns of the sheet "Disclosure" (1 = A).</summary>
    public static class DisclosureColumns
    {
        public const int Code = 1; // A
        public const int Name = 2; // B
        public const int Default = 3; // C
        public const int Level = 4; // D
    }

    /// <summary>The status header of a year's column, e.g. "Status 2025".</summary>
    public static string StatusHeaderFor(int year) => $"{StatusHeader} {year.ToString(CultureInfo.InvariantCulture)}";

    // Cell formats (indexes into the stylesheet's cellXfs below).
    const uint StyleHeader = 1;
    const uint StyleInput = 2;
    const uint StyleNotAsked = 3;
    const uint StyleLabel = 4;
    const uint StyleBordered = 5;
    const uint StyleComment = 6;
    const uint StyleTitle = 7;
    const uint StyleBold = 8;
    const uint StyleWrap = 9;

    /// <summary>The template for one Member and cycle, as the bytes of an .xlsx file.</summary>
    public static byte[] Create(KpiCatalogue catalogue, string cycleId, int reportingYear, string memberCode, string memberName)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentException.ThrowIfNullOrWhiteSpace(cycleId);
        ArgumentException.ThrowIfNullOrWhiteSpace(memberCode);
        ArgumentOutOfRangeException.ThrowIfLessThan(reportingYear, 1001);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reportingYear, 9999);
        memberName ??= memberCode;

        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            var strings = new StringTable();
            workbookPart.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();

            var sheets = new Sheets();
            AddSheet(workbookPart, sheets, 1, InstructionsSheet, Instructions(strings, catalogue, cycleId, reportingYear, memberCode, memberName), null);
            AddSheet(workbookPart, sheets, 2, DataSheet, Data(strings, catalogue, reportingYear), null);
            AddSheet(workbookPart, sheets, 3, DisclosureSheet, Disclosure(strings, catalogue), null);
            AddSheet(workbookPart, sheets, 4, MetaSheet, Meta(strings, catalogue, cycleId, reportingYear, memberCode, memberName), SheetStateValues.VeryHidden);

            workbookPart.AddNewPart<SharedStringTablePart>().SharedStringTable = strings.ToTable();
            workbookPart.Workbook = new Workbook(
                new BookViews(new WorkbookView { ActiveTab = 0U }),
                sheets);
        }

        return stream.ToArray();
    }

    static void AddSheet(WorkbookPart workbookPart, Sheets sheets, uint id, string name, Worksheet worksheet, SheetStateValues? state)
    {
        var part = workbookPart.AddNewPart<WorksheetPart>();
        part.Worksheet = worksheet;
        var sheet = new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = id, Name = name };
        if (state is { } s)
        {
            sheet.State = s;
        }

        sheets.Append(sheet);
    }

    static Worksheet Instructions(StringTable strings, KpiCatalogue catalogue, string cycleId, int year, string memberCode, string memberName)
    {
        var t = year.ToString(CultureInfo.InvariantCulture);
        var t1 = (year - 1).ToString(CultureInfo.InvariantCulture);
        (string Text, uint Style)[] lines =
        [
            ("WCO Performance Measurement Mechanism (PMM): data collection", StyleTitle),
            ($"Cycle: {cycleId}", 0),
            ($"Reporting year (T): {t}", 0),
            ($"Member: {memberName} ({memberCode})", 0),
            ($"Catalogue version: {catalogue.Version}", 0),
            ("", 0),
            ("How to fill in", StyleBold),
            ($"1. Go to the sheet '{DataSheet}'. There is one row per data item: write its value for {t} in column D ({t}).", StyleWrap),
            ("2. Write numbers only: no units, words (such as 'n/a'), or formulas. Type the number as you normally do in Excel; do not add thousands separators by hand.", StyleWrap),
            ($"3. Column E ({t1}) is asked only for some items: fill it where the cell is white; grey cells are not asked.", StyleWrap),
            ($"4. No value? Leave the value empty and choose a status in column F ({t}) or G ({t1}): '{ValueStates.NotApplicable}' when the item does not exist for your administration (write why in column H, required), '{ValueStates.NotAvailable}' when it exists but you cannot give the figure (column H optional). Items marked '{RequiredSuffix.Trim()}' must have a value.", StyleWrap),
            ("5. An item left entirely empty counts as not reported.", StyleWrap),
            ($"6. Column I ({CommentHeader}) is for your remarks on the item; it is optional.", StyleWrap),
            ($"7. In the sheet '{DisclosureSheet}', choose for each KPI the widest audience that may see your data: {string.Join(", ", catalogue.DisclosureLevels)} (from most open to most restricted). Each KPI starts at its default level.", StyleWrap),
            ("8. Do not change the header rows or the codes in column A, and do not add, move or delete rows. The sheets are protected so that only the cells to fill in can be changed.", StyleWrap),
            ($"9. Save the file as 'Excel Workbook (*.xlsx)' and upload it for cycle {cycleId}.", StyleWrap),
        ];

        var data = new SheetData();
        for (var i = 0; i < lines.Length; i++)
        {
            var row = new Row { RowIndex = (uint)(i + 1) };
            if (lines[i].Text.Length > 0)
            {
                row.Append(strings.Cell($"A{i + 1}", lines[i].Text, lines[i].Style));
            }

            data.Append(row);
        }

        return new Worksheet(
            new SheetViews(new SheetView { WorkbookViewId = 0U, TabSelected = true, ShowGridLines = false }),
            new SheetFormatProperties { DefaultRowHeight = 15D },
            new Columns(new Column { Min = 1U, Max = 1U, Width = 110D, CustomWidth = true }),
            data,
            new PageMargins { Left = 0.7D, Right = 0.7D, Top = 0.75D, Bottom = 0.75D, Header = 0.3D, Footer = 0.3D });
    }

    static Worksheet Data(StringTable strings, KpiCatalogue catalogue, int year)
    {
        var t = year.ToString(CultureInfo.InvariantCulture);
        var t1 = (year - 1).ToString(CultureInfo.InvariantCulture);
        var data = new SheetData();
        data.Append(new Row(
            strings.Cell("A1", CodeHeader, StyleHeader),
            strings.Cell("B1", LabelHeader, StyleHeader),
            strings.Cell("C1", UnitHeader, StyleHeader),
            strings.Cell("D1", t, StyleHeader),
            strings.Cell("E1", t1, StyleHeader),
            strings.Cell("F1", StatusHeaderFor(year), StyleHeader),
            strings.Cell("G1", StatusHeaderFor(year - 1), StyleHeader),
            strings.Cell("H1", ReasonHeader, StyleHeader),
            strings.Cell("I1", CommentHeader, StyleHeader))
        { RowIndex = 1U });

        var validations = new DataValidations();
        var r = 2;
        foreach (var item in catalogue.Items)
        {
            data.Append(new Row(
                strings.Cell($"A{r}", item.Code, StyleBordered),
                strings.Cell($"B{r}", item.Required ? item.Label + RequiredSuffix : item.Label, StyleLabel),
                strings.Cell($"C{r}", item.Unit, StyleBordered),
                new Cell { CellReference = $"D{r}", StyleIndex = StyleInput },
                new Cell { CellReference = $"E{r}", StyleIndex = item.PreviousYear ? StyleInput : StyleNotAsked },
                new Cell { CellReference = $"F{r}", StyleIndex = StyleInput },
                new Cell { CellReference = $"G{r}", StyleIndex = item.PreviousYear ? StyleInput : StyleNotAsked },
                new Cell { CellReference = $"H{r}", StyleIndex = StyleComment },
                new Cell { CellReference = $"I{r}", StyleIndex = StyleComment })
            { RowIndex = (uint)r });
            validations.Append(Validation(item, item.PreviousYear ? $"D{r} E{r}" : $"D{r}"));
            validations.Append(StatusValidation(item, item.PreviousYear ? $"F{r} G{r}" : $"F{r}"));
            r++;
        }

        validations.Count = (uint)validations.ChildElements.Count;
        var worksheet = new Worksheet(
            FrozenHeaderView(),
            new SheetFormatProperties { DefaultRowHeight = 15D },
            new Columns(
                new Column { Min = 1U, Max = 1U, Width = 22D, CustomWidth = true },
                new Column { Min = 2U, Max = 2U, Width = 55D, CustomWidth = true },
                new Column { Min = 3U, Max = 3U, Width = 16D, CustomWidth = true },
                new Column { Min = 4U, Max = 5U, Width = 18D, CustomWidth = true },
                new Column { Min = 6U, Max = 7U, Width = 18D, CustomWidth = true },
                new Column { Min = 8U, Max = 9U, Width = 45D, CustomWidth = true }),
            data,
            // Protected without a password: it guards against slips, not against a determined user; the reader checks the header anyway.
            new SheetProtection { Sheet = true, Objects = true, Scenarios = true, FormatColumns = false, FormatRows = false });
        if (catalogue.Items.Count > 0)
        {
            worksheet.Append(validations);
        }

        worksheet.Append(new PageMargins { Left = 0.7D, Right = 0.7D, Top = 0.75D, Bottom = 0.75D, Header = 0.3D, Footer = 0.3D });
        return worksheet;
    }

    /// <summary>A view with the header row frozen and the cursor on the first cell to fill in (D2).</summary>
    static SheetViews FrozenHeaderView() => new(new SheetView(
        new Pane { VerticalSplit = 1D, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
        new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "D2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "D2" } })
    { WorkbookViewId = 0U });

    /// <summary>Excel refuses what is not a number of the item's kind and range, with a message saying what is expected.</summary>
    static DataValidation Validation(DataItem item, string cells)
    {
        var kind = item.Integer ? "a whole number" : "a number";
        var unit = string.IsNullOrWhiteSpace(item.Unit) ? "" : $", in {item.Unit}";
        var validation = new DataValidation
        {
            Type = item.Integer ? DataValidationValues.Whole : DataValidationValues.Decimal,
            AllowBlank = true,
            ShowErrorMessage = true,
            ShowInputMessage = true,
            ErrorStyle = DataValidationErrorStyleValues.Stop,
            ErrorTitle = "Not a valid value",
            PromptTitle = Truncate(item.Code, 32),
            SequenceOfReferences = new ListValue<StringValue> { InnerText = cells },
        };

        string range;
        switch (item.Min, item.Max)
        {
            case ({ } min, { } max):
                validation.Operator = DataValidationOperatorValues.Between;
                validation.Append(new Formula1(Number(min)), new Formula2(Number(max)));
                range = $"between {Number(min)} and {Number(max)}";
                break;
            case ({ } min, null):
                validation.Operator = DataValidationOperatorValues.GreaterThanOrEqual;
                validation.Append(new Formula1(Number(min)));
                range = min == 0 ? "zero or more" : $"{Number(min)} or more";
                break;
            case (null, { } max):
                validation.Operator = DataValidationOperatorValues.LessThanOrEqual;
                validation.Append(new Formula1(Number(max)));
                range = $"{Number(max)} or less";
                break;
            default:
                // No bounds: still refuse text, with the widest range Excel accepts.
                validation.Operator = DataValidationOperatorValues.Between;
                validation.Append(new Formula1("-9.99E+307"), new Formula2("9.99E+307"));
                range = "";
                break;
        }

        var expected = range.Length == 0 ? kind : $"{kind}, {range}";
        validation.Error = Truncate($"{item.Code} must be {expected}{unit}. Type the number only, or leave the cell empty if you have no value.", 255);
        validation.Prompt = Truncate($"{Capitalized(expected)}{unit}.", 255);
        return validation;
    }

    /// <summary>The status cells offer the two states; "n/a" or other words are refused by Excel already.</summary>
    static DataValidation StatusValidation(DataItem item, string cells) => new(new Formula1(
        item.NotApplicable ? $"\"{ValueStates.NotApplicable},{ValueStates.NotAvailable}\"" : $"\"{ValueStates.NotAvailable}\""))
    {
        Type = DataValidationValues.List,
        AllowBlank = true,
        ShowErrorMessage = true,
        ShowInputMessage = true,
        ErrorStyle = DataValidationErrorStyleValues.Stop,
        ErrorTitle = "Not a status",
        Error = Truncate(item.NotApplicable
            ? $"Choose '{ValueStates.NotApplicable}' (give the reason in column H) or '{ValueStates.NotAvailable}', or leave the status empty when you give a value."
            : $"{item.Code} cannot be not applicable. Choose '{ValueStates.NotAvailable}' or leave the status empty when you give a value.", 255),
        PromptTitle = "Status (only if no value)",
        Prompt = Truncate(item.NotApplicable ? "Leave empty when you give a value. Otherwise: not applicable (reason in H) or not available." : "Leave empty when you give a value. Otherwise: not available.", 255),
        SequenceOfReferences = new ListValue<StringValue> { InnerText = cells },
    };

    /// <summary>One row per KPI: code, name, default level, and the level the Member chooses (pre-set to the default).</summary>
    static Worksheet Disclosure(StringTable strings, KpiCatalogue catalogue)
    {
        var data = new SheetData();
        data.Append(new Row(
            strings.Cell("A1", KpiCodeHeader, StyleHeader),
            strings.Cell("B1", KpiHeader, StyleHeader),
            strings.Cell("C1", DefaultLevelHeader, StyleHeader),
            strings.Cell("D1", LevelHeader, StyleHeader))
        { RowIndex = 1U });
        var r = 2;
        foreach (var kpi in catalogue.Kpis)
        {
            var level = kpi.Disclosure ?? "";
            data.Append(new Row(
                strings.Cell($"A{r}", kpi.Code, StyleBordered),
                strings.Cell($"B{r}", kpi.Name, StyleLabel),
                strings.Cell($"C{r}", level, StyleBordered),
                level.Length == 0 ? new Cell { CellReference = $"D{r}", StyleIndex = StyleInput } : strings.Cell($"D{r}", level, StyleInput))
            { RowIndex = (uint)r });
            r++;
        }

        var worksheet = new Worksheet(
            FrozenHeaderView(),
            new SheetFormatProperties { DefaultRowHeight = 15D },
            new Columns(
                new Column { Min = 1U, Max = 1U, Width = 12D, CustomWidth = true },
                new Column { Min = 2U, Max = 2U, Width = 70D, CustomWidth = true },
                new Column { Min = 3U, Max = 4U, Width = 18D, CustomWidth = true }),
            data,
            new SheetProtection { Sheet = true, Objects = true, Scenarios = true, FormatColumns = false, FormatRows = false });
        if (catalogue.Kpis.Count > 0 && catalogue.DisclosureLevels.Count > 0)
        {
            var levels = string.Join(",", catalogue.DisclosureLevels);
            worksheet.Append(new DataValidations(new DataValidation(new Formula1($"\"{levels}\""))
            {
                Type = DataValidationValues.List,
                AllowBlank = true,
                ShowErrorMessage = true,
                ShowInputMessage = true,
                ErrorStyle = DataValidationErrorStyleValues.Stop,
                ErrorTitle = "Not a disclosure level",
                Error = Truncate($"Choose one of: {string.Join(", ", catalogue.DisclosureLevels)}.", 255),
                PromptTitle = "Disclosure level",
                Prompt = Truncate($"The widest audience that may see this KPI's data: {string.Join(", ", catalogue.DisclosureLevels)} (most open first).", 255),
                SequenceOfReferences = new ListValue<StringValue> { InnerText = $"D2:D{r - 1}" },
            })
            { Count = 1U });
        }

        worksheet.Append(new PageMargins { Left = 0.7D, Right = 0.7D, Top = 0.75D, Bottom = 0.75D, Header = 0.3D, Footer = 0.3D });
        return worksheet;
    }

    static Worksheet Meta(StringTable strings, KpiCatalogue catalogue, string cycleId, int year, string memberCode, string memberName)
    {
        (string Key, string Value)[] entries =
        [
            (MetaCycleId, cycleId),
            (MetaReportingYear, year.ToString(CultureInfo.InvariantCulture)),
            (MetaMemberCode, memberCode),
            (MetaMemberName, memberName),
            (MetaCatalogueVersion, catalogue.Version),
            (MetaTemplateVersion, TemplateVersion),
        ];
        var data = new SheetData();
        for (var i = 0; i < entries.Length; i++)
        {
            var r = i + 1;
            data.Append(new Row(strings.Cell($"A{r}", entries[i].Key, 0), strings.Cell($"B{r}", entries[i].Value, 0)) { RowIndex = (uint)r });
        }

        return new Worksheet(
            new SheetViews(new SheetView { WorkbookViewId = 0U }),
            new SheetFormatProperties { DefaultRowHeight = 15D },
            data,
            new SheetProtection { Sheet = true, Objects = true, Scenarios = true },
            new PageMargins { Left = 0.7D, Right = 0.7D, Top = 0.75D, Bottom = 0.75D, Header = 0.3D, Footer = 0.3D });
    }

    static Stylesheet Styles()
    {
        static Border Thin() => new(
            new LeftBorder(new Color { Rgb = "FFBFBFBF" }) { Style = BorderStyleValues.Thin },
            new RightBorder(new Color { Rgb = "FFBFBFBF" }) { Style = BorderStyleValues.Thin },
            new TopBorder(new Color { Rgb = "FFBFBFBF" }) { Style = BorderStyleValues.Thin },
            new BottomBorder(new Color { Rgb = "FFBFBFBF" }) { Style = BorderStyleValues.Thin },
            new DiagonalBorder());

        static Fill Solid(string rgb) => new(new PatternFill(new ForegroundColor { Rgb = rgb }, new BackgroundColor { Indexed = 64U }) { PatternType = PatternValues.Solid });

        static CellFormat Format(uint font, uint fill, uint border, bool locked, bool wrap)
        {
            var format = new CellFormat
            {
                NumberFormatId = 0U,
                FontId = font,
                FillId = fill,
                BorderId = border,
                FormatId = 0U,
                ApplyFont = font != 0,
                ApplyFill = fill != 0,
                ApplyBorder = border != 0,
            };
            if (wrap)
            {
                format.ApplyAlignment = true;
                format.Append(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top });
            }

            if (!locked)
            {
                format.ApplyProtection = true;
                format.Append(new Protection { Locked = false });
            }

            return format;
        }

        return new Stylesheet(
            new Fonts(
                new Font(new FontSize { Val = 11D }, new FontName { Val = "Calibri" }, new FontFamilyNumbering { Val = 2 }),
                new Font(new Bold(), new FontSize { Val = 11D }, new FontName { Val = "Calibri" }, new FontFamilyNumbering { Val = 2 }),
                new Font(new Bold(), new FontSize { Val = 14D }, new FontName { Val = "Calibri" }, new FontFamilyNumbering { Val = 2 }))
            { Count = 3U },
            new Fills(
                new Fill(new PatternFill { PatternType = PatternValues.None }),
                new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
                Solid("FFD9D9D9"),
                Solid("FFDDEBF7"))
            { Count = 4U },
            new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder()), Thin()) { Count = 2U },
            new CellStyleFormats(new CellFormat { NumberFormatId = 0U, FontId = 0U, FillId = 0U, BorderId = 0U }) { Count = 1U },
            new CellFormats(
                new CellFormat { NumberFormatId = 0U, FontId = 0U, FillId = 0U, BorderId = 0U, FormatId = 0U },
                Format(font: 1, fill: 3, border: 1, locked: true, wrap: true), // StyleHeader
                Format(font: 0, fill: 0, border: 1, locked: false, wrap: false), // StyleInput
                Format(font: 0, fill: 2, border: 1, locked: true, wrap: false), // StyleNotAsked
                Format(font: 0, fill: 0, border: 1, locked: true, wrap: true), // StyleLabel
                Format(font: 0, fill: 0, border: 1, locked: true, wrap: false), // StyleBordered
                Format(font: 0, fill: 0, border: 1, locked: false, wrap: true), // StyleComment
                Format(font: 2, fill: 0, border: 0, locked: true, wrap: false), // StyleTitle
                Format(font: 1, fill: 0, border: 0, locked: true, wrap: false), // StyleBold
                Format(font: 0, fill: 0, border: 0, locked: true, wrap: true)) // StyleWrap
            { Count = 10U },
            new CellStyles(new CellStyle { Name = "Normal", FormatId = 0U, BuiltinId = 0U }) { Count = 1U });
    }

    static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>The workbook's shared strings, each stored once.</summary>
    sealed class StringTable
    {
        readonly Dictionary<string, int> indexes = new(StringComparer.Ordinal);
        readonly List<string> texts = [];

        public Cell Cell(string reference, string text, uint style)
        {
            if (!indexes.TryGetValue(text, out var index))
            {
                index = texts.Count;
                indexes.Add(text, index);
                texts.Add(text);
            }

            return new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index), StyleIndex = style };
        }

        public SharedStringTable ToTable() => new(texts.Select(t => new SharedStringItem(new Text(t) { Space = t.Trim().Length == t.Length ? null : SpaceProcessingModeValues.Preserve })))
        {
            Count = (uint)texts.Count,
            UniqueCount = (uint)texts.Count,
        };
    }
}
