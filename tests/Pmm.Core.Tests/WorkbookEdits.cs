using System.Globalization;
using System.IO.Compression;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pmm.Core.Formats;
using Pmm.Core.Formats.Excel;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Tests;

/// <summary>Edits a workbook the way a person would in Excel, for the Excel and corpus tests.</summary>
static class WorkbookEdits
{
    public static byte[] Fill(byte[] template, Action<WorksheetPart> edit, Action<SpreadsheetDocument>? editDocument = null)
    {
        using var stream = new MemoryStream();
        stream.Write(template);
        using (var document = SpreadsheetDocument.Open(stream, true))
        {
            var workbook = document.WorkbookPart!;
            var sheet = workbook.Workbook!.Sheets!.Elements<Sheet>().Single(s => s.Name == ExcelTemplate.DataSheet);
            var data = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
            edit(data);
            data.Worksheet!.Save();
            if (editDocument is not null)
            {
                editDocument(document);
                workbook.Workbook.Save();
            }
        }

        return stream.ToArray();
    }

    public static WorksheetPart SheetPart(SpreadsheetDocument document, string name)
    {
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook!.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        return (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
    }

    public static Cell CellAt(WorksheetPart sheet, string reference) => sheet.Worksheet!.Descendants<Cell>().Single(c => c.CellReference == reference);

    public static void SetNumber(WorksheetPart sheet, string reference, decimal value)
    {
        var cell = CellAt(sheet, reference);
        cell.DataType = null;
        cell.InlineString = null;
        cell.CellValue = new CellValue(value.ToString(CultureInfo.InvariantCulture));
    }

    public static void SetInlineText(WorksheetPart sheet, string reference, string text)
    {
        var cell = CellAt(sheet, reference);
        cell.CellValue = null;
        cell.DataType = CellValues.InlineString;
        cell.InlineString = new InlineString(new Text(text) { Space = DocumentFormat.OpenXml.SpaceProcessingModeValues.Preserve });
    }

    public static void SetSharedText(WorksheetPart sheet, string reference, string text)
    {
        var document = (SpreadsheetDocument)sheet.OpenXmlPackage;
        var table = document.WorkbookPart!.SharedStringTablePart!.SharedStringTable!;
        table.Append(new SharedStringItem(new Text(text)));
        table.Save();
        var cell = CellAt(sheet, reference);
        cell.DataType = CellValues.SharedString;
        cell.CellValue = new CellValue(table.Elements<SharedStringItem>().Count() - 1);
    }

    /// <summary>The workbook with the text of its parts edited (by zip entry name, e.g. "xl/workbook.xml"), as a tool other than Excel might write them.</summary>
    public static byte[] EditParts(byte[] xlsx, Func<string, string, string> edit) => Zip(target =>
    {
        using var source = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        foreach (var entry in source.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            var text = edit(entry.FullName, reader.ReadToEnd());
            using var writer = new StreamWriter(target.CreateEntry(entry.FullName).Open(), new System.Text.UTF8Encoding(false));
            writer.Write(text);
        }
    });

    /// <summary>The workbook with one more zip entry.</summary>
    public static byte[] WithEntry(byte[] xlsx, string name, string text)
    {
        using var stream = new MemoryStream();
        stream.Write(xlsx);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry(name).Open());
            writer.Write(text);
        }

        return stream.ToArray();
    }

    /// <summary>The zip entry name of a sheet's part, e.g. "xl/worksheets/sheet2.xml".</summary>
    public static string SheetEntry(byte[] xlsx, string sheetName)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        return SheetPart(document, sheetName).Uri.OriginalString.TrimStart('/');
    }

    public static byte[] Zip(Action<ZipArchive> fill)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            fill(zip);
        }

        return stream.ToArray();
    }
}
