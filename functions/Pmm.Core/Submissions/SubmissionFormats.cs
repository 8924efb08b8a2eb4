using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pmm.Core.Submissions.Excel;

namespace Pmm.Core.Submissions;

/// <summary>The upload formats (CSV, JSON, Excel), by media type, and the content hash that makes the same data in any format the same submission.</summary>
public static class SubmissionFormats
{
    public const string Csv = "text/csv";
    public const string Json = "application/json";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static readonly IReadOnlyList<string> MediaTypes = [Csv, Json, Xlsx];

    public static bool IsSupported(string mediaType) => MediaTypes.Contains(mediaType);

    /// <summary>Reads a file of a supported media type into observations and findings.</summary>
    public static ParsedSubmission Read(string mediaType, Stream content, ExcelLimits? excelLimits = null) => mediaType switch
    {
        Csv => CsvSubmissionReader.Read(content),
        Json => JsonSubmissionReader.Read(content),
        Xlsx => ExcelSubmissionReader.Read(content, excelLimits ?? new ExcelLimits()),
        _ => throw new ArgumentException($"Unsupported media type '{mediaType}'.", nameof(mediaType)),
    };

    /// <summary>
    /// SHA-256 (hex) of the canonical form: one line "ITEM\tYEAR\tVALUE" per observation, codes upper-cased,
    /// values without trailing zeros, lines sorted. The same data as CSV (any dialect) or JSON gives the same
    /// hash. A file that did not read cleanly is hashed by its bytes instead, so two different broken files
    /// never count as the same.
    /// </summary>
    public static string ContentHash(ParsedSubmission parsed, ReadOnlySpan<byte> bytes)
    {
        if (parsed.Findings.Count > 0 || parsed.Observations.Count == 0)
        {
            return Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        var lines = parsed.Observations
            .Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.ItemCode.ToUpperInvariant()}\t{o.Year}\t{Normalize(o.Value!.Value)}"))
            .Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }

    static string Normalize(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
}
