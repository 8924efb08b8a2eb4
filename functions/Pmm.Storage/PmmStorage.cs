using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Pmm.Storage;

/// <summary>The storage account's clients, with the application's containers and tables.</summary>
public sealed class PmmStorage(BlobServiceClient blobs, TableServiceClient tables)
{
    public BlobContainerClient Submissions { get; } = blobs.GetBlobContainerClient(StorageNames.SubmissionsContainer);

    public BlobContainerClient Results { get; } = blobs.GetBlobContainerClient(StorageNames.ResultsContainer);

    public BlobContainerClient Catalogues { get; } = blobs.GetBlobContainerClient(StorageNames.CataloguesContainer);

    public BlobContainerClient MemberSets { get; } = blobs.GetBlobContainerClient(StorageNames.MemberSetsContainer);

    public BlobContainerClient Manifests { get; } = blobs.GetBlobContainerClient(StorageNames.ManifestsContainer);

    public TableClient Cycles { get; } = tables.GetTableClient(StorageNames.CyclesTable);

    public TableClient SubmissionsTable { get; } = tables.GetTableClient(StorageNames.SubmissionsTable);

    public TableClient CurrentSubmissions { get; } = tables.GetTableClient(StorageNames.CurrentSubmissionsTable);

    public TableClient Benchmarks { get; } = tables.GetTableClient(StorageNames.BenchmarksTable);

    public TableClient Snapshots { get; } = tables.GetTableClient(StorageNames.SnapshotsTable);

    public TableClient Audit { get; } = tables.GetTableClient(StorageNames.AuditTable);

    /// <summary>Creates what does not exist yet; safe to call at every start.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(
            Submissions.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Results.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Catalogues.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            MemberSets.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Manifests.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Cycles.CreateIfNotExistsAsync(cancellationToken),
            SubmissionsTable.CreateIfNotExistsAsync(cancellationToken),
            CurrentSubmissions.CreateIfNotExistsAsync(cancellationToken),
            Benchmarks.CreateIfNotExistsAsync(cancellationToken),
            Snapshots.CreateIfNotExistsAsync(cancellationToken),
            Audit.CreateIfNotExistsAsync(cancellationToken));
    }
}
