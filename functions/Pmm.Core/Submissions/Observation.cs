namespace Pmm.Core.Submissions;

/// <summary>One reported value: a data item for a year, and where it came from in the file.</summary>
public sealed record Observation(string ItemCode, int Year, decimal Value, int Line);

/// <summary>The result of reading a file: the observations that could be read, and what could not.</summary>
public sealed record ParsedSubmission(IReadOnlyList<Observation> Observations, IReadOnlyList<Finding> Findings, int DataRows);
