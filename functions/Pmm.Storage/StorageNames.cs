namespace Pmm.Storage;

/// <summary>Every container and table the application uses. The README's table contract refers to these.</summary>
public static class StorageNames
{
    /// <summary>Original uploads, immutable: <c>{cycleId}/{memberCode}/{submissionId}.{ext}</c>.</summary>
    public const string SubmissionsContainer = "submissions";

    /// <summary>Validation results (findings, KPI values): <c>{cycleId}/{memberCode}/{submissionId}.json</c>.</summary>
    public const string ResultsContainer = "validation-results";

    /// <summary>KPI catalogues published by staff, immutable: <c>{version}.json</c>, the document as sent.</summary>
    public const string CataloguesContainer = "catalogues";

    /// <summary>Members reference sets published by staff, immutable: <c>{version}.json</c>, the document as sent.</summary>
    public const string MemberSetsContainer = "member-sets";

    /// <summary>Benchmark snapshot manifests (lineage), private: <c>{cycleId}/{snapshotId}.json</c>.</summary>
    public const string ManifestsContainer = "benchmark-manifests";

    public const string CyclesTable = "Cycles";
    public const string SubmissionsTable = "Submissions";
    public const string CurrentSubmissionsTable = "CurrentSubmissions";
    public const string BenchmarksTable = "Benchmarks";

    /// <summary>Snapshot records and the per-cycle pointers to the current ones (README, "The benchmark table").</summary>
    public const string SnapshotsTable = "Snapshots";

    /// <summary>The audit trail, append-only: partition = cycle id, row key = event key (<see cref="AuditStore"/>).</summary>
    public const string AuditTable = "Audit";

    /// <summary>Separator inside composite keys; not allowed in cycle ids or Member codes.</summary>
    public const char KeySeparator = '~';
}
