using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Pmm.Core.Submissions;

/// <summary>
/// What a Member says about a data item for a year: a value, or an explicit state instead of one.
/// "Not applicable" (the item does not exist in the Member's context; a reason is required) is not the same as
/// "not available" (the item applies but the figure cannot be given) nor as missing (nothing said at all).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ValueState>))]
public enum ValueState
{
    Reported,
    NotApplicable,
    NotAvailable,
}

/// <summary>The words for <see cref="ValueState"/> in files, and their parsing. One source of truth for all formats.</summary>
public static class ValueStates
{
    public const string NotApplicable = "not applicable";
    public const string NotAvailable = "not available";

    /// <summary>What a status cell or field may hold, for messages.</summary>
    public const string Expected = "empty (a value is given), 'not applicable' or 'not available'";

    /// <summary>
    /// Reads a status: empty means a value is reported; "not applicable" and "not available" are accepted in any case,
    /// with spaces, hyphens or underscores. The ambiguous "n/a" or "na" is refused: it could mean either.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out ValueState state)
    {
        state = ValueState.Reported;
        var trimmed = text.Trim();
        if (trimmed.IsEmpty)
        {
            return true;
        }

        Span<char> folded = stackalloc char[Math.Min(trimmed.Length, 32)];
        var length = 0;
        foreach (var ch in trimmed)
        {
            if (ch is ' ' or '-' or '_' or '\u00A0')
            {
                continue;
            }

            if (length == folded.Length)
            {
                return false;
            }

            folded[length++] = char.ToLowerInvariant(ch);
        }

        switch (folded[..length])
        {
            case "notapplicable":
                state = ValueState.NotApplicable;
                return true;
            case "notavailable":
                state = ValueState.NotAvailable;
                return true;
            case "value" or "reported":
                return true;
            default:
                return false;
        }
    }

    /// <summary>The canonical word for a state (null for a reported value).</summary>
    public static string? Word(ValueState state) => state switch
    {
        ValueState.NotApplicable => NotApplicable,
        ValueState.NotAvailable => NotAvailable,
        _ => null,
    };

    /// <summary>The hint for a status that could not be read.</summary>
    public static string Hint(string text) => text.Trim().ToUpperInvariant() is "N/A" or "NA" or "N.A." or "N.A"
        ? "'n/a' is ambiguous: write 'not applicable' (the item does not exist for your administration; give the reason) or 'not available' (it exists but you cannot give the figure)."
        : $"Leave the status empty when you give a value; otherwise write '{NotApplicable}' (with a reason) or '{NotAvailable}'.";
}

/// <summary>
/// One line of a submission: a data item for a year, with a value or a state, and where it came from in the file.
/// <see cref="Pointer"/> says where in the file's own terms ("line 4" for CSV, a JSON pointer "/values/3" for JSON,
/// "Data!D7" for Excel); <see cref="Line"/> is set for line-based formats. <see cref="Value"/> is null when no value
/// was given or it could not be read (the reader has already reported why); the item still counts as given.
/// </summary>
public sealed record Observation(string ItemCode, int Year, decimal? Value, string Pointer, int? Line = null)
{
    // A CSV file of a million rows would otherwise hold four pointer strings per row that findings rarely need, so the
    // pointers are kept as FilePointer: text as given, or a CSV line and column made into text when read. FilePointer
    // compares by text, so equality, hashing and `with` behave as with plain strings.
    readonly FilePointer pointer = new(Pointer);
    readonly FilePointer itemPointer;
    readonly FilePointer yearPointer;
    readonly FilePointer valuePointer;

    /// <summary>
    /// An observation on a CSV line: <see cref="Pointer"/> is "line L", and the item, year and value pointers are
    /// "line L, column C" for the 1-based columns given (none for a column of 0).
    /// </summary>
    internal Observation(string itemCode, int year, decimal? value, int line, int itemColumn, int yearColumn, int valueColumn)
        : this(itemCode, year, value, Pointer: null!, line)
    {
        pointer = FilePointer.AtLine(line);
        itemPointer = FilePointer.AtCell(line, itemColumn);
        yearPointer = FilePointer.AtCell(line, yearColumn);
        valuePointer = FilePointer.AtCell(line, valueColumn);
    }

    /// <summary>Where the observation is in the file's own terms ("line 4", "/values/3", "Data!D7").</summary>
    public string Pointer
    {
        get => pointer.Text!;
        init => pointer = new(value);
    }

    /// <summary>Reported (a value), or not applicable / not available instead of a value.</summary>
    public ValueState State { get; init; }

    /// <summary>Why the item is not applicable (required then) or not available (optional).</summary>
    public string? Reason { get; init; }

    /// <summary>Where the state or reason is, when it is not where the value is (e.g. "Data!F7", "/values/3/status").</summary>
    public string? StatePointer { get; init; }

    /// <summary>Where the item code is, when more precise than <see cref="Pointer"/> ("line 4, column 1", "/values/3/item", "Data!A7").</summary>
    public string? ItemPointer
    {
        get => itemPointer.Text;
        init => itemPointer = new(value);
    }

    /// <summary>Where the year is, when more precise than <see cref="Pointer"/> ("line 4, column 2", "/values/3/year").</summary>
    public string? YearPointer
    {
        get => yearPointer.Text;
        init => yearPointer = new(value);
    }

    /// <summary>Where the value is, when more precise than <see cref="Pointer"/> ("line 4, column 3", "/values/3/value").</summary>
    public string? ValuePointer
    {
        get => valuePointer.Text;
        init => valuePointer = new(value);
    }
}

/// <summary>
/// Where something is in a file, as findings show it: text as given ("/values/3/item", "Data!A7"), or a CSV line and
/// column that becomes "line 4, column 3" ("line 4" without a column) only when <see cref="Text"/> is read. Two pointers
/// are equal when their text is, however each is stored.
/// </summary>
internal readonly struct FilePointer : IEquatable<FilePointer>
{
    /// <summary>The longest text of a line and column: "line 2147483647, column 2147483647".</summary>
    const int MaxFormattedLength = 34;

    readonly string? text;
    readonly int line;
    readonly int column;

    public FilePointer(string? text) => this.text = text;

    FilePointer(int line, int column) => (this.line, this.column) = (line, column);

    /// <summary>"line L".</summary>
    public static FilePointer AtLine(int line) => new(line, 0);

    /// <summary>"line L, column C" for a 1-based column; no pointer for a column of 0.</summary>
    public static FilePointer AtCell(int line, int column) => column > 0 ? new(line, column) : default;

    /// <summary>The pointer as findings show it; null when there is none.</summary>
    public string? Text
    {
        get
        {
            if (text is not null || line == 0)
            {
                return text;
            }

            Span<char> buffer = stackalloc char[MaxFormattedLength];
            return new string(Format(buffer));
        }
    }

    public bool Equals(FilePointer other)
    {
        if (text is null && other.text is null)
        {
            return line == other.line && column == other.column;
        }

        if (text is not null && other.text is not null)
        {
            return string.Equals(text, other.text, StringComparison.Ordinal);
        }

        var (position, given) = text is null ? (this, other.text!) : (other, text);
        Span<char> buffer = stackalloc char[MaxFormattedLength];
        return position.line > 0 && position.Format(buffer).SequenceEqual(given);
    }

    public override bool Equals(object? obj) => obj is FilePointer other && Equals(other);

    public override int GetHashCode()
    {
        if (text is not null || line == 0)
        {
            return text is null ? 0 : string.GetHashCode(text.AsSpan());
        }

        Span<char> buffer = stackalloc char[MaxFormattedLength];
        return string.GetHashCode(Format(buffer));
    }

    public static bool operator ==(FilePointer left, FilePointer right) => left.Equals(right);

    public static bool operator !=(FilePointer left, FilePointer right) => !left.Equals(right);

    ReadOnlySpan<char> Format(Span<char> buffer)
    {
        var ok = column > 0
            ? buffer.TryWrite(CultureInfo.InvariantCulture, $"line {line}, column {column}", out var length)
            : buffer.TryWrite(CultureInfo.InvariantCulture, $"line {line}", out length);
        Debug.Assert(ok, "The buffer holds the longest line and column.");
        return buffer[..length];
    }
}

/// <summary>A Member's choice of disclosure level for one KPI, as written in the file.</summary>
public sealed record DisclosureChoice(string KpiCode, string Level, string Pointer, int? Line = null);

/// <summary>A Member's remark on a data item, as written in the file.</summary>
public sealed record ItemComment(string ItemCode, string Text, string Pointer, int? Line = null);

/// <summary>
/// The result of reading a file: the observations that could be read, what could not, and how the file
/// was read (e.g. "CSV, UTF-8 with BOM, separator ';', decimal mark ','"), so the submitter can see it;
/// plus the disclosure choices and comments the file makes.
/// </summary>
public sealed record ParsedSubmission(IReadOnlyList<Observation> Observations, IReadOnlyList<Finding> Findings, int DataRows, string? Format = null)
{
    public IReadOnlyList<DisclosureChoice> Disclosures { get; init; } = [];

    public IReadOnlyList<ItemComment> Comments { get; init; } = [];
}
