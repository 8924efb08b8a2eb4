namespace Pmm.Core.Submissions;

/// <summary>
/// One reported value: a data item for a year, and where it came from in the file. <see cref="Pointer"/>
/// says where in the file's own terms ("line 4" for CSV, a JSON pointer "/values/3" for JSON,
/// "Data!C7" for Excel); <see cref="Line"/> is set for line-based formats. <see cref="Value"/> is null
/// when the value could not be read (the reader has already reported why); the item still counts as given.
/// </summary>
public sealed record Observation(string ItemCode, int Year, decimal? Value, string Pointer, int? Line = null);

/// <summary>
/// The result of reading a file: the observations that could be read, what could not, and how the file
/// was read (e.g. "CSV, UTF-8 with BOM, separator ';', decimal mark ','"), so the submitter can see it.
/// </summary>
public sealed record ParsedSubmission(IReadOnlyList<Observation> Observations, IReadOnlyList<Finding> Findings, int DataRows, string? Format = null);
