using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Pmm.Core.Formats.Excel;

namespace Pmm.Load;

/// <summary>
/// Damages files the way broken tools, careless people and hostile callers do. Every method is a pure function
/// of its Random and input, so a run is repeatable from its seed.
/// </summary>
static partial class Mutations
{
    static readonly UTF8Encoding Utf8 = new(false);

    public static byte[] FlipBits(Random r, byte[] s)
    {
        var b = (byte[])s.Clone();
        for (int i = 0, n = r.Next(1, 9); i < n && b.Length > 0; i++)
        {
            b[r.Next(b.Length)] ^= (byte)(1 << r.Next(8));
        }

        return b;
    }

    public static byte[] Truncate(Random r, byte[] s) => s[..r.Next(s.Length)];

    public static byte[] InsertRandom(Random r, byte[] s)
    {
        var junk = new byte[r.Next(1, 65)];
        r.NextBytes(junk);
        return Insert(s, r.Next(s.Length + 1), junk);
    }

    /// <summary>Byte sequences no UTF-8 decoder may accept: a stray continuation byte, an overlong slash, an encoded surrogate, 0xFF.</summary>
    static readonly byte[][] InvalidUtf8 = [[0xFF], [0x80], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82]];

    public static byte[] InsertInvalidUtf8(Random r, byte[] s) => Insert(s, r.Next(s.Length + 1), InvalidUtf8[r.Next(InvalidUtf8.Length)]);

    /// <summary>A JSON escape of half a surrogate pair inside a string value (or, failing that, after any quote).</summary>
    public static byte[] InsertLoneSurrogate(Random r, byte[] s)
    {
        var text = Utf8.GetString(s);
        string[] escapes = [@"\ud800", @"\udfff", @"\ud83d", @"\ud800\u0041", @"\udc00\ud800"];
        var starts = StringStart().Matches(text).Select(m => m.Index + m.Length).ToArray();
        if (starts.Length == 0)
        {
            starts = [.. text.Select((c, i) => (c, i)).Where(x => x.c == '"').Select(x => x.i + 1)];
        }

        var at = starts.Length == 0 ? text.Length : starts[r.Next(starts.Length)];
        return Utf8.GetBytes(text.Insert(at, escapes[r.Next(escapes.Length)]));
    }

    /// <summary>An item code of about 1 MB (letters, or non-ASCII letters) in place of one in the file.</summary>
    public static byte[] LongCode(Random r, byte[] s, string format, int length = 1 << 20)
    {
        var code = new string(r.Next(3) == 0 ? 'Ж' : 'A', length);
        var text = Utf8.GetString(s);
        if (format == Seed.Json)
        {
            var items = ItemValue().Matches(text);
            if (items.Count == 0)
            {
                return Utf8.GetBytes($$"""{"values":[{"item":"{{code}}","year":2025,"value":1}]}""");
            }

            var g = items[r.Next(items.Count)].Groups[1];
            return Utf8.GetBytes(text.Remove(g.Index, g.Length).Insert(g.Index, code));
        }

        var lines = text.Split('\n');
        var at = lines.Length > 1 ? r.Next(1, lines.Length) : 0;
        var comma = lines[at].IndexOfAny([',', ';', '\t']);
        lines[at] = code + (comma < 0 ? ",2025,1" : lines[at][comma..]);
        return Utf8.GetBytes(string.Join('\n', lines));
    }

    /// <summary>One line (or JSON value) repeated up to a thousand times.</summary>
    public static byte[] RepeatLine(Random r, byte[] s)
    {
        var text = Utf8.GetString(s);
        var lines = text.Split('\n').ToList();
        var at = r.Next(lines.Count);
        lines.InsertRange(at, Enumerable.Repeat(lines[at], r.Next(2, 1000)));
        return Utf8.GetBytes(string.Join('\n', lines));
    }

    /// <summary>The first part of one file followed by the rest of another.</summary>
    public static byte[] Splice(Random r, byte[] a, byte[] b) => [.. a.AsSpan(0, r.Next(a.Length + 1)), .. b.AsSpan(r.Next(b.Length + 1))];

    static readonly string[] OddNumbers = ["1e999", "-1e999", "NaN", "Infinity", "-0", "0x10", "1,2,3", "١٢٣", "1_000", "+5", ".5", "5.", "1e-999", new string('9', 400), "", "\"12\"", "null", "true", "[1]", "{}", "1 000 000,000.5", "٫", "１２３"];
    static readonly string[] OddCodes = ["decl_total", "DECL_TOTAL ", " DECL_TOTAL", "DECL\u200b_TOTAL", "DЕCL_TOTAL", "DECL_TOTAL\u0000", "", "\"", "=1+1", "@SUM(A1)", "n/a", "not applicable", "NOT AVAILABLE", "public", "TF-01", "tf-01"];

    /// <summary>A number or a code replaced by an odd one (huge, NaN, locale digits, homoglyphs, formulas, statuses in the wrong place).</summary>
    public static byte[] EditToken(Random r, byte[] s)
    {
        var text = Utf8.GetString(s);
        var useNumber = r.Next(2) == 0;
        var matches = (useNumber ? NumberToken() : CodeToken()).Matches(text);
        if (matches.Count == 0)
        {
            return FlipBits(r, s);
        }

        var m = matches[r.Next(matches.Count)];
        var replacement = useNumber ? OddNumbers[r.Next(OddNumbers.Length)] : OddCodes[r.Next(OddCodes.Length)];
        return Utf8.GetBytes(text.Remove(m.Index, m.Length).Insert(m.Index, replacement));
    }

    public static string CsvContentType(Random r) => r.Next(4) switch
    {
        0 => "text/csv; charset=utf-8",
        1 => "text/plain",
        _ => Seed.CsvType,
    };

    // ----- Zip damage (Excel files) -----

    /// <summary>The central directory (the zip's table of contents) with bytes flipped or its end record pointing elsewhere.</summary>
    public static byte[] DamageCentralDirectory(Random r, byte[] zip)
    {
        var b = (byte[])zip.Clone();
        var end = EndOfCentralDirectory(b);
        if (end < 0)
        {
            return FlipBits(r, b);
        }

        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(end + 12));
        var offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(end + 16));
        switch (r.Next(5))
        {
            case 0: // flipped bytes inside the directory
                for (var i = 0; i < r.Next(1, 16) && size > 0; i++)
                {
                    b[Math.Min(b.Length - 1, offset + r.Next(size))] ^= (byte)r.Next(1, 256);
                }

                break;
            case 1: // directory said to start elsewhere
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(end + 16), (uint)r.Next(b.Length * 2));
                break;
            case 2: // wrong number of entries
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(end + 8), (ushort)r.Next(65536));
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(end + 10), (ushort)r.Next(65536));
                break;
            case 3: // wrong directory size
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(end + 12), (uint)r.Next());
                break;
            default: // signature of an entry destroyed
                var entries = CentralEntries(b, end).ToArray();
                if (entries.Length > 0)
                {
                    b[entries[r.Next(entries.Length)]] = 0;
                }

                break;
        }

        return b;
    }

    /// <summary>An entry whose declared compressed or uncompressed size (in the directory or its local header) is wrong.</summary>
    public static byte[] WrongSizes(Random r, byte[] zip)
    {
        var b = (byte[])zip.Clone();
        var end = EndOfCentralDirectory(b);
        var entries = end < 0 ? [] : CentralEntries(b, end).ToArray();
        if (entries.Length == 0)
        {
            return FlipBits(r, b);
        }

        var entry = entries[r.Next(entries.Length)];
        uint[] sizes = [0, 1, 0xFFFFFFFF, 0x7FFFFFFF, (uint)r.Next(), BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(entry + 24)) * 1000];
        var local = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(entry + 42));
        var field = r.Next(4);
        var at = field switch
        {
            0 => entry + 20, // central: compressed size
            1 => entry + 24, // central: uncompressed size
            2 => local + 18, // local: compressed size
            _ => local + 22, // local: uncompressed size
        };
        if (at + 4 <= b.Length)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), sizes[r.Next(sizes.Length)]);
        }

        return b;
    }

    /// <summary>The workbook with the XML of one part edited as text: a tag cut, a span doubled, an attribute or a cell value made odd.</summary>
    public static byte[] EditPart(Random r, byte[] xlsx)
    {
        using var source = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        var names = source.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();
        // Half the time a sheet or the shared strings, where the reader spends its effort.
        var cells = names.Where(n => n.StartsWith("xl/worksheets/", StringComparison.Ordinal) || n == "xl/sharedStrings.xml").ToArray();
        var target = r.Next(2) == 0 && cells.Length > 0 ? cells[r.Next(cells.Length)] : names[r.Next(names.Length)];
        return Rezip(source, names, name => name != target ? null : text => EditXml(r, text));
    }

    static string EditXml(Random r, string text)
    {
        if (text.Length == 0)
        {
            return "<";
        }

        string[] oddValues = ["", "-1", "4294967296", "99999999999", "A0", "XFD1048577", "ZZZZZZZZ1", "1E+400", "NaN", "\u0001", "&amp;", "A1:A1048576", "s", "inlineStr", "e", "b", "str", "d"];
        switch (r.Next(5))
        {
            case 0: // cut a span
                {
                    var start = r.Next(text.Length);
                    return text.Remove(start, Math.Min(text.Length - start, r.Next(1, 200)));
                }

            case 1: // double a span
                {
                    var start = r.Next(text.Length);
                    var span = text.Substring(start, Math.Min(text.Length - start, r.Next(1, 400)));
                    return text.Insert(start, span);
                }

            case 2: // an attribute value (r=, t=, s=, ref=, sheetId=, ...)
                {
                    var attributes = AttributeValue().Matches(text);
                    if (attributes.Count == 0)
                    {
                        goto default;
                    }

                    var g = attributes[r.Next(attributes.Count)].Groups[1];
                    return text.Remove(g.Index, g.Length).Insert(g.Index, oddValues[r.Next(oddValues.Length)]);
                }

            case 3: // a cell value or string
                {
                    var values = ElementText().Matches(text);
                    if (values.Count == 0)
                    {
                        goto default;
                    }

                    var g = values[r.Next(values.Count)].Groups[1];
                    return text.Remove(g.Index, g.Length).Insert(g.Index, oddValues[r.Next(oddValues.Length)]);
                }

            default:
                return Utf8.GetString(FlipBits(r, Utf8.GetBytes(text)));
        }
    }

    /// <summary>
    /// The template whose Data sheet declares <paramref name="rows"/> empty rows after its own: each row is a few
    /// bytes of XML and compresses about a thousandfold, so millions of them fit in a file of tens of kilobytes
    /// and stay under the zip caps.
    /// </summary>
    public static byte[] RowBomb(byte[] template, int rows)
    {
        using var source = new ZipArchive(new MemoryStream(template), ZipArchiveMode.Read);
        var names = source.Entries.Select(e => e.FullName).ToArray();
        var data = SheetEntry(source, ExcelTemplate.DataSheet);
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in names)
            {
                var text = Read(source, name);
                using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.SmallestSize).Open(), Utf8);
                if (name != data)
                {
                    writer.Write(text);
                    continue;
                }

                var close = text.IndexOf("sheetData>", text.IndexOf("sheetData", StringComparison.Ordinal) + 9, StringComparison.Ordinal);
                var tagStart = text.LastIndexOf('<', close);
                var prefix = text[(tagStart + 2)..close]; // "x:" or ""
                writer.Write(text.AsSpan(0, tagStart));
                var row = $"<{prefix}row/>";
                for (var i = 0; i < rows; i++)
                {
                    writer.Write(row);
                }

                writer.Write(text.AsSpan(tagStart));
            }
        }

        return output.ToArray();
    }

    /// <summary>A CSV file of about <paramref name="bytes"/> bytes, every line an item code no catalogue has.</summary>
    public static byte[] UnknownCodesCsv(int bytes, int year)
    {
        var text = new StringBuilder("item,year,value\n", bytes + 64);
        for (var i = 0; text.Length < bytes - 40; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"UNKNOWN_ITEM_{i:D7},{year},{i % 997}\n");
        }

        return Utf8.GetBytes(text.ToString());
    }

    /// <summary>A JSON file of about <paramref name="bytes"/> bytes, every value for an item code no catalogue has.</summary>
    public static byte[] UnknownCodesJson(int bytes, int year)
    {
        var text = new StringBuilder("{\"values\":[", bytes + 64);
        for (var i = 0; text.Length < bytes - 80; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}\n{{\"item\":\"UNKNOWN_ITEM_{i:D7}\",\"year\":{year},\"value\":{i % 997}}}");
        }

        return Utf8.GetBytes(text.Append("]}").ToString());
    }

    /// <summary>Many lines: unknown codes, one good line repeated, or both, in CSV or JSON.</summary>
    public static byte[] ManyRows(Random r, string format, int rows, int year)
    {
        var kind = r.Next(3);
        string Code(int i) => kind == 0 || (kind == 2 && i % 2 == 0) ? $"ZZ_{i}" : "DECL_TOTAL";
        var text = new StringBuilder(format == Seed.Json ? "{\"values\":[" : "item,year,value\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(format == Seed.Json
                ? string.Create(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}{{\"item\":\"{Code(i)}\",\"year\":{year},\"value\":{i}}}")
                : string.Create(CultureInfo.InvariantCulture, $"{Code(i)},{year},{i}\n"));
        }

        return Utf8.GetBytes(format == Seed.Json ? text.Append("]}").ToString() : text.ToString());
    }

    static byte[] Rezip(ZipArchive source, IEnumerable<string> names, Func<string, Func<string, string>?> edits)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in names)
            {
                var text = Read(source, name);
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), Utf8);
                writer.Write(edits(name) is { } edit ? edit(text) : text);
            }
        }

        return output.ToArray();
    }

    static string Read(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open(), Utf8);
        return reader.ReadToEnd();
    }

    /// <summary>The zip entry of a sheet, found by its name through the workbook and its relationships.</summary>
    static string SheetEntry(ZipArchive zip, string sheetName)
    {
        XNamespace r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        var workbook = XDocument.Parse(Read(zip, "xl/workbook.xml"));
        var id = workbook.Descendants().First(e => e.Name.LocalName == "sheet" && (string?)e.Attribute("name") == sheetName).Attribute(r + "id")!.Value;
        var rels = XDocument.Parse(Read(zip, "xl/_rels/workbook.xml.rels"));
        var target = rels.Descendants().First(e => e.Name.LocalName == "Relationship" && (string?)e.Attribute("Id") == id).Attribute("Target")!.Value;
        return target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target;
    }

    static int EndOfCentralDirectory(byte[] b)
    {
        for (var i = b.Length - 22; i >= Math.Max(0, b.Length - 65_557); i--)
        {
            if (b[i] == 0x50 && b[i + 1] == 0x4B && b[i + 2] == 0x05 && b[i + 3] == 0x06)
            {
                return i;
            }
        }

        return -1;
    }

    static IEnumerable<int> CentralEntries(byte[] b, int end)
    {
        var at = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(end + 16));
        while (at >= 0 && at + 46 <= end && BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)) == 0x02014B50)
        {
            yield return at;
            at += 46 + BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at + 28)) + BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at + 30)) + BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at + 32));
        }
    }

    static byte[] Insert(byte[] s, int at, ReadOnlySpan<byte> bytes) => [.. s.AsSpan(0, at), .. bytes, .. s.AsSpan(at)];

    [GeneratedRegex("\"(?:item|reason|comment|status)\"\\s*:\\s*\"")]
    private static partial Regex StringStart();

    [GeneratedRegex("\"item\"\\s*:\\s*\"([^\"]*)\"")]
    private static partial Regex ItemValue();

    [GeneratedRegex(@"(?<![A-Za-z_])-?\d[\d.,]*")]
    private static partial Regex NumberToken();

    [GeneratedRegex(@"\b[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)+\b")]
    private static partial Regex CodeToken();

    [GeneratedRegex("\\s[A-Za-z:]+=\"([^\"]*)\"")]
    private static partial Regex AttributeValue();

    [GeneratedRegex(">([^<]{1,200})</")]
    private static partial Regex ElementText();
}
