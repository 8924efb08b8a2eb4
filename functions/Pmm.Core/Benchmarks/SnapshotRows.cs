using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pmm.Core.Benchmarks;

/// <summary>
/// The identity of a snapshot's rows: each row's key and its canonical text, and the SHA-256 of them all (README,
/// "Snapshots, manifests and the rows hash"). Nothing time- or id-dependent is in it, so computing again from the same
/// inputs gives the same hash.
/// </summary>
public static class SnapshotRows
{
    /// <summary>Separator of a row key's parts; not allowed in audiences, KPI codes, scopes or groups.</summary>
    public const char KeySeparator = '~';

    /// <summary>A row's key within its snapshot: <c>{audience}~{kpiCode}~{scope}~{group}</c>.</summary>
    public static string KeyOf(Benchmark row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return string.Join(KeySeparator, row.Audience, row.KpiCode, row.Scope, row.Group);
    }

    /// <summary>
    /// One line per row, ordered by row key (ordinal, i.e. by UTF-16 code unit), fields separated by a tab and the line
    /// ended by a line feed: key, n, mean, Q1, median, Q3, confidentiality, reason. Numbers in invariant culture, n as an
    /// integer, statistics with exactly <see cref="Statistics.Decimals"/> decimals of the double stored (C's
    /// <c>%.6f</c>); a missing value is empty.
    /// </summary>
    public static string Canonical(IEnumerable<Benchmark> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        foreach (var (key, row) in rows.Select(r => (Key: KeyOf(r), Row: r)).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('\t')
                .Append(row.N?.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(Number(row.Mean)).Append('\t')
                .Append(Number(row.Q1)).Append('\t')
                .Append(Number(row.Median)).Append('\t')
                .Append(Number(row.Q3)).Append('\t')
                .Append(row.Confidentiality).Append('\t')
                .Append(row.Reason).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>SHA-256 of the UTF-8 bytes of <see cref="Canonical"/>, lower-case hexadecimal.</summary>
    public static string Hash(IEnumerable<Benchmark> rows) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(rows))));

    static string? Number(double? value) =>
        value?.ToString("F" + Statistics.Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
