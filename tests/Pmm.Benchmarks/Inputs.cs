using System.Globalization;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Formats.Excel;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Benchmarks;

/// <summary>One reported value, as the benchmarks write it into CSV, JSON or Excel.</summary>
public sealed record Value(string Item, int Year, decimal Amount);

/// <summary>The two CSV dialects the reader must handle.</summary>
public enum CsvDialect
{
    /// <summary><c>item,year,value</c> with a decimal point and no grouping: 1234567.89.</summary>
    CommaPoint,

    /// <summary><c>item;year;value</c> with a decimal comma and thousands grouped by points: 1.234.567,89.</summary>
    SemicolonDecimalComma,
}

/// <summary>Deterministic benchmark inputs: valid submissions and large files in every format.</summary>
public static class Inputs
{
    public const int Year = 2025;
    public const string CycleId = "2026-1";

    /// <summary>The submission of the unit tests (TestData.ValidCsv): the 4 required items, 6 values, 3 KPIs.</summary>
    public const string Minimal = "minimal";

    /// <summary>Every data item of the catalogue for T and, where asked, T-1: every KPI computes.</summary>
    public const string Full = "full";

    static readonly NumberFormatInfo DecimalComma = new()
    {
        NumberDecimalSeparator = ",",
        NumberGroupSeparator = ".",
        NumberGroupSizes = [3],
        NegativeSign = "-",
    };

    /// <summary>A valid submission for <see cref="Year"/> against the shipped catalogue: <see cref="Minimal"/> or <see cref="Full"/>.</summary>
    public static IReadOnlyList<Value> Submission(KpiCatalogue catalogue, string name) => name switch
    {
        Minimal =>
        [
            new("DECL_TOTAL", Year, 1000m),
            new("DECL_ELECTRONIC", Year, 985m),
            new("AEO_COUNT", Year, 120m),
            new("AEO_COUNT", Year - 1, 100m),
            new("TRADE_VALUE", Year, 5000000.5m),
            new("AEO_TRADE_VALUE", Year, 2500000.25m),
        ],
        Full => Complete(catalogue),
        _ => throw new ArgumentException($"Unknown submission '{name}'.", nameof(name)),
    };

    /// <summary>
    /// Every item for T and, where asked, T-1, with values that pass the catalogue's checks: within bounds,
    /// whole numbers for counts, at least 1 (no zero denominators), each part of a part-of-total rule below
    /// its totals, and T-1 within 20% of T.
    /// </summary>
    public static IReadOnlyList<Value> Complete(KpiCatalogue catalogue)
    {
        var random = new Random(55);
        var totalsOf = catalogue.Rules.Where(r => r.Kind == CatalogueRuleKinds.PartOfTotal)
            .ToLookup(r => catalogue.ItemsByCode[r.Part!].Code, r => catalogue.ItemsByCode[r.Total!].Code, StringComparer.Ordinal);
        var valueOf = new Dictionary<string, decimal>(StringComparer.Ordinal);
        decimal ValueOf(DataItem item)
        {
            if (valueOf.TryGetValue(item.Code, out var known))
            {
                return known;
            }

            var totals = totalsOf[item.Code].Select(code => ValueOf(catalogue.ItemsByCode[code])).ToList();
            var value = totals.Count > 0
                ? totals.Min() * (0.3m + 0.6m * (decimal)random.NextDouble())
                : 1_000m + (decimal)random.NextDouble() * 100_000_000m;
            value = Math.Clamp(Round(value, item), Math.Max(1m, item.Min ?? 1m), item.Max ?? decimal.MaxValue);
            valueOf[item.Code] = value;
            return value;
        }

        var values = new List<Value>();
        foreach (var item in catalogue.Items)
        {
            var value = ValueOf(item);
            values.Add(new(item.Code, Year, value));
            if (item.PreviousYear)
            {
                values.Add(new(item.Code, Year - 1, Math.Max(1m, Round(value * (0.8m + 0.4m * (decimal)random.NextDouble()), item))));
            }
        }

        return values;

        static decimal Round(decimal value, DataItem item) => decimal.Round(value, item.Integer ? 0 : 2);
    }

    /// <summary>
    /// <paramref name="rows"/> observation rows cycling through the catalogue's item codes and the years
    /// T and T-1, with values of 0 to 11 integer digits and 0 to 2 decimals.
    /// </summary>
    public static IReadOnlyList<Value> ManyRows(KpiCatalogue catalogue, int rows)
    {
        var random = new Random(1_000_000);
        var codes = catalogue.Items.Select(i => i.Code).ToArray();
        var values = new Value[rows];
        for (var r = 0; r < rows; r++)
        {
            var scale = random.Next(0, 3);
            var magnitude = (long)Math.Pow(10, random.Next(1, 12));
            var amount = new decimal(random.NextInt64(0, magnitude)) / (scale switch { 0 => 1m, 1 => 10m, _ => 100m });
            values[r] = new Value(codes[r % codes.Length], (r / codes.Length) % 2 == 0 ? Year : Year - 1, amount);
        }

        return values;
    }

    /// <summary>The values as a UTF-8 CSV file with the header <c>item,year,value</c> in the given dialect.</summary>
    public static byte[] Csv(IReadOnlyList<Value> values, CsvDialect dialect)
    {
        var separator = dialect == CsvDialect.CommaPoint ? ',' : ';';
        var text = new StringBuilder(values.Count * 32);
        text.Append("item").Append(separator).Append("year").Append(separator).Append("value").Append('\n');
        foreach (var v in values)
        {
            text.Append(v.Item).Append(separator).Append(v.Year.ToString(CultureInfo.InvariantCulture)).Append(separator);
            text.Append(dialect == CsvDialect.CommaPoint
                ? v.Amount.ToString(CultureInfo.InvariantCulture)
                : v.Amount.ToString("N" + v.Amount.Scale.ToString(CultureInfo.InvariantCulture), DecimalComma));
            text.Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The values as the JSON submission format.</summary>
    public static byte[] Json(IReadOnlyList<Value> values)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray(JsonSubmissionReader.ValuesProperty);
            foreach (var v in values)
            {
                writer.WriteStartObject();
                writer.WriteString("item", v.Item);
                writer.WriteNumber("year", v.Year);
                writer.WriteNumber("value", v.Amount);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>
    /// The catalogue's Excel template for <see cref="Year"/>, filled in with the values (column D for T, E
    /// for T-1, as a Member would type them), and with <paramref name="extraRows"/> more rows appended to the
    /// sheet Data (item codes cycling through the catalogue, numbers in D and E) to measure throughput.
    /// </summary>
    public static byte[] Excel(KpiCatalogue catalogue, IReadOnlyList<Value> values, int extraRows = 0)
    {
        using var stream = new MemoryStream();
        stream.Write(ExcelTemplate.Create(catalogue, CycleId, Year, "FR", "France"));
        using (var document = SpreadsheetDocument.Open(stream, true))
        {
            var workbook = document.WorkbookPart!;
            var sheet = workbook.Workbook!.Sheets!.Elements<Sheet>().Single(s => s.Name == ExcelTemplate.DataSheet);
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
            var cells = part.Worksheet!.Descendants<Cell>().ToDictionary(c => c.CellReference!.Value!, StringComparer.Ordinal);
            var rowOf = catalogue.Items.Select((item, index) => (item.Code, Row: index + 2)).ToDictionary(x => x.Code, x => x.Row, StringComparer.Ordinal);
            foreach (var v in values)
            {
                var reference = (v.Year == Year ? "D" : "E") + rowOf[v.Item].ToString(CultureInfo.InvariantCulture);
                var cell = cells[reference];
                cell.DataType = null;
                cell.CellValue = new CellValue(v.Amount.ToString(CultureInfo.InvariantCulture));
            }

            if (extraRows > 0)
            {
                // Reuse the template's shared strings for the item codes, as Excel does when codes are copied.
                var codeCells = catalogue.Items.Select((_, index) => cells["A" + (index + 2).ToString(CultureInfo.InvariantCulture)]).ToArray();
                var data = part.Worksheet.GetFirstChild<SheetData>()!;
                var random = new Random(10_000);
                var first = catalogue.Items.Count + 2;
                for (var r = first; r < first + extraRows; r++)
                {
                    var code = codeCells[(r - first) % codeCells.Length];
                    var n = r.ToString(CultureInfo.InvariantCulture);
                    data.Append(new Row(
                        new Cell { CellReference = "A" + n, DataType = code.DataType?.Value, CellValue = new CellValue(code.CellValue!.Text) },
                        new Cell { CellReference = "D" + n, CellValue = new CellValue(Amount(random).ToString(CultureInfo.InvariantCulture)) },
                        new Cell { CellReference = "E" + n, CellValue = new CellValue(Amount(random).ToString(CultureInfo.InvariantCulture)) })
                    { RowIndex = (uint)r });
                }
            }

            part.Worksheet.Save();
        }

        return stream.ToArray();

        static decimal Amount(Random random) => decimal.Round((decimal)random.NextDouble() * 10_000_000m, random.Next(0, 3));
    }

    /// <summary>Throws unless the file read without findings into the expected number of observations (and, if given, exactly these values).</summary>
    public static ParsedSubmission ReadChecked(string mediaType, byte[] bytes, int expectedObservations, IReadOnlyList<Value>? expected = null)
    {
        var parsed = SubmissionFormats.Read(mediaType, new MemoryStream(bytes));
        if (parsed.Findings.Count > 0 || parsed.Observations.Count != expectedObservations)
        {
            throw new InvalidOperationException(
                $"{mediaType}: expected {expectedObservations} observations without findings, got {parsed.Observations.Count} and {parsed.Findings.Count} finding(s): {string.Join("; ", parsed.Findings.Take(3).Select(f => f.Message))}");
        }

        if (expected is not null && !parsed.Observations.Select(o => new Value(o.ItemCode, o.Year, o.Value ?? decimal.MinValue)).ToHashSet().SetEquals(expected))
        {
            throw new InvalidOperationException($"{mediaType}: the file does not read back to the values written.");
        }

        return parsed;
    }
}
