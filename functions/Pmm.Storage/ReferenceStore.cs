using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Pmm.Storage;

/// <summary>The kinds of versioned reference data a cycle pins.</summary>
public enum ReferenceKind
{
    /// <summary>A KPI catalogue (data items, KPIs, rules).</summary>
    Catalogue,

    /// <summary>A Members reference set (Members with region, income group and attributes).</summary>
    Members,
}

/// <summary>A stored version: when it was stored, by whom, and the SHA-256 of the document's bytes.</summary>
public sealed record StoredReferenceVersion(string Version, DateTimeOffset StoredAt, string StoredBy, string Sha256);

/// <summary>
/// Published reference data: one blob per version, <c>{version}.json</c>, holding the document exactly as published, in
/// container <c>catalogues</c> or <c>member-sets</c>. A version is written once (<c>If-None-Match: *</c>) and never
/// changes, so cycles pinned to it keep their rules, and readers may cache it for ever.
/// </summary>
public sealed class ReferenceStore(PmmStorage storage)
{
    public const string JsonContentType = "application/json";

    public static string BlobNameOf(string version) => $"{version}.json";

    /// <summary>Stores a new version; false (and nothing written) when the version is already stored.</summary>
    public async Task<bool> TryAddAsync(ReferenceKind kind, string version, ReadOnlyMemory<byte> document, string storedBy, CancellationToken cancellationToken = default)
    {
        try
        {
            await Container(kind).GetBlobClient(BlobNameOf(version)).UploadAsync(BinaryData.FromBytes(document), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = JsonContentType },
                Metadata = new Dictionary<string, string>
                {
                    ["version"] = version,
                    ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(document.Span)),

                    // Metadata is ASCII only; a subject is escaped rather than refused.
                    ["storedBy"] = Uri.EscapeDataString(storedBy),
                },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>The document of a stored version, or null when there is none.</summary>
    public async Task<BinaryData?> GetAsync(ReferenceKind kind, string version, CancellationToken cancellationToken = default)
    {
        try
        {
            var download = await Container(kind).GetBlobClient(BlobNameOf(version)).DownloadContentAsync(cancellationToken);
            return download.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every stored version of a kind.</summary>
    public async Task<IReadOnlyList<StoredReferenceVersion>> ListAsync(ReferenceKind kind, CancellationToken cancellationToken = default)
    {
        var versions = new List<StoredReferenceVersion>();
        await foreach (var blob in Container(kind).GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken))
        {
            if (!blob.Name.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            var metadata = blob.Metadata;
            versions.Add(new StoredReferenceVersion(
                blob.Name[..^".json".Length],
                blob.Properties.CreatedOn ?? blob.Properties.LastModified ?? DateTimeOffset.MinValue,
                metadata.TryGetValue("storedBy", out var by) ? Uri.UnescapeDataString(by) : "",
                metadata.TryGetValue("sha256", out var sha) ? sha : ""));
        }

        return versions;
    }

    BlobContainerClient Container(ReferenceKind kind) => kind == ReferenceKind.Catalogue ? storage.Catalogues : storage.MemberSets;
}
