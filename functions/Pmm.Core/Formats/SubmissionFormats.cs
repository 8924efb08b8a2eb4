using System.Security.Cryptography;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats.Excel;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Formats;

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
    /// SHA-256 (hex) of the <see cref="CanonicalSubmission"/>: the same data as CSV (any dialect), JSON or Excel gives
    /// the same hash. A file that did not read cleanly is hashed by its bytes instead, so two different broken files
    /// never count as the same.
    /// </summary>
    public static string ContentHash(ParsedSubmission parsed, ReadOnlySpan<byte> bytes, KpiCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        return parsed.Findings.Count > 0 || parsed.Observations.Count == 0
            ? Convert.ToHexStringLower(SHA256.HashData(bytes))
            : CanonicalSubmission.From(parsed, catalogue).Hash();
    }
}
