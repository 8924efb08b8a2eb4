using System.Collections.Concurrent;
using Pmm.Core;
using Pmm.Core.Catalogue;
using Pmm.Core.Cycles;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;
using Pmm.Storage;

namespace Pmm.Functions.Catalogue;

/// <summary>What a cycle works with: its pinned catalogue and Members reference set, and a validator for that catalogue.</summary>
public sealed record CycleReferenceData(KpiCatalogue Catalogue, MemberDirectory Members, SubmissionValidator Validator);

/// <summary>What publishing a reference version did.</summary>
public enum PublishOutcome
{
    /// <summary>A new version was stored.</summary>
    Created,

    /// <summary>The version exists with the same content: nothing changed.</summary>
    Unchanged,

    /// <summary>The version exists with other content: refused, versions are immutable.</summary>
    Conflict,
}

/// <summary>
/// The one place that turns a version into reference data: the embedded catalogue and Members set (the defaults) and
/// the versions staff published (<see cref="ReferenceStore"/>). Loaded versions are cached in memory by version; they
/// are immutable, so a cached copy never goes stale. Everything that works for a cycle asks
/// <see cref="ForCycleAsync"/> rather than holding a catalogue of its own.
/// </summary>
public sealed class ReferenceDataProvider(ReferenceStore store)
{
    // A handful of versions per year; no eviction needed.
    readonly ConcurrentDictionary<string, KpiCatalogue> catalogues = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, MemberDirectory> memberSets = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, SubmissionValidator> validators = new(StringComparer.Ordinal);

    /// <summary>The embedded catalogue: the version of cycles that name none, and of <see cref="CatalogueFunctions.GetCatalogue"/>.</summary>
    public KpiCatalogue DefaultCatalogue { get; } = KpiCatalogue.Embedded;

    /// <summary>The embedded Members reference set: the version of cycles that name none.</summary>
    public MemberDirectory DefaultMembers { get; } = MemberDirectory.Embedded;

    public string DefaultMembersVersion => DefaultMembers.Version!;

    /// <summary>A catalogue version, or null when it is neither embedded nor published.</summary>
    public async Task<KpiCatalogue?> FindCatalogueAsync(string version, CancellationToken cancellationToken = default)
    {
        if (version == DefaultCatalogue.Version)
        {
            return DefaultCatalogue;
        }

        if (catalogues.TryGetValue(version, out var cached))
        {
            return cached;
        }

        if (!Identifiers.IsReferenceVersion(version) || await store.GetAsync(ReferenceKind.Catalogue, version, cancellationToken) is not { } document)
        {
            return null;
        }

        return catalogues.GetOrAdd(version, KpiCatalogue.Load(document.ToStream(), SourceOf(ReferenceKind.Catalogue, version)));
    }

    /// <summary>A Members reference version, or null when it is neither embedded nor published.</summary>
    public async Task<MemberDirectory?> FindMembersAsync(string version, CancellationToken cancellationToken = default)
    {
        if (version == DefaultMembersVersion)
        {
            return DefaultMembers;
        }

        if (memberSets.TryGetValue(version, out var cached))
        {
            return cached;
        }

        if (!Identifiers.IsReferenceVersion(version) || await store.GetAsync(ReferenceKind.Members, version, cancellationToken) is not { } document)
        {
            return null;
        }

        return memberSets.GetOrAdd(version, MemberDirectory.Load(document.ToStream(), SourceOf(ReferenceKind.Members, version)));
    }

    /// <summary>The reference data a cycle is pinned to. Its versions were checked when it opened and never change.</summary>
    public async Task<CycleReferenceData> ForCycleAsync(Cycle cycle, CancellationToken cancellationToken = default)
    {
        var catalogue = await FindCatalogueAsync(cycle.CatalogueVersion, cancellationToken)
            ?? throw new InvalidOperationException($"Cycle {cycle.CycleId} is pinned to catalogue {cycle.CatalogueVersion}, which is not stored.");
        var members = await FindMembersAsync(cycle.MembersVersion, cancellationToken)
            ?? throw new InvalidOperationException($"Cycle {cycle.CycleId} is pinned to Members reference set {cycle.MembersVersion}, which is not stored.");
        return new CycleReferenceData(catalogue, members, validators.GetOrAdd(catalogue.Version, _ => new SubmissionValidator(catalogue)));
    }

    /// <summary>The document of a version as published (the embedded file for the default), or null when there is none.</summary>
    public async Task<BinaryData?> GetDocumentAsync(ReferenceKind kind, string version, CancellationToken cancellationToken = default)
    {
        if (version == DefaultVersionOf(kind))
        {
            return BinaryData.FromBytes(ReferenceData.Read(EmbeddedFileOf(kind)));
        }

        return Identifiers.IsReferenceVersion(version) ? await store.GetAsync(kind, version, cancellationToken) : null;
    }

    /// <summary>The stored versions of a kind (the embedded one among them once the app has started).</summary>
    public Task<IReadOnlyList<StoredReferenceVersion>> ListStoredAsync(ReferenceKind kind, CancellationToken cancellationToken = default) =>
        store.ListAsync(kind, cancellationToken);

    /// <summary>
    /// Publishes a document already loaded and checked under <paramref name="version"/>: stored if new; unchanged if the
    /// version exists with the same content (<see cref="ReferenceDocuments.SameContent"/>); a conflict otherwise. The
    /// embedded version counts as existing with the embedded file's content.
    /// </summary>
    public async Task<PublishOutcome> PublishAsync(ReferenceKind kind, string version, ReadOnlyMemory<byte> document, string publishedBy, CancellationToken cancellationToken = default)
    {
        if (version == DefaultVersionOf(kind))
        {
            return ReferenceDocuments.SameContent(document, ReferenceData.Read(EmbeddedFileOf(kind))) ? PublishOutcome.Unchanged : PublishOutcome.Conflict;
        }

        if (await store.TryAddAsync(kind, version, document, publishedBy, cancellationToken))
        {
            return PublishOutcome.Created;
        }

        var stored = await store.GetAsync(kind, version, cancellationToken)
            ?? throw new InvalidOperationException($"{SourceOf(kind, version)} exists but cannot be read.");
        return ReferenceDocuments.SameContent(document, stored.ToMemory()) ? PublishOutcome.Unchanged : PublishOutcome.Conflict;
    }

    /// <summary>
    /// Stores a copy of the embedded catalogue and Members set under their versions, so cycles pinned to them keep them
    /// after a later release ships new files. A stored copy with other content means an embedded file was changed
    /// without a new version: that stops start-up, as a bad reference file does.
    /// </summary>
    public async Task PublishEmbeddedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var kind in Enum.GetValues<ReferenceKind>())
        {
            var version = DefaultVersionOf(kind);
            var document = ReferenceData.Read(EmbeddedFileOf(kind));
            if (await store.TryAddAsync(kind, version, document, "embedded", cancellationToken))
            {
                continue;
            }

            var stored = await store.GetAsync(kind, version, cancellationToken);
            if (stored is not null && !ReferenceDocuments.SameContent(document, stored.ToMemory()))
            {
                throw new CatalogueException($"{EmbeddedFileOf(kind)}: version {version} is already published with other content, and versions never change. Give the file a new 'version' (in development, deleting .azurite/ also clears the old copy).");
            }
        }
    }

    public string DefaultVersionOf(ReferenceKind kind) => kind == ReferenceKind.Catalogue ? DefaultCatalogue.Version : DefaultMembersVersion;

    /// <summary>How a version is named in messages, e.g. <c>catalogue 2027.1</c> (the loader prefixes its findings with it).</summary>
    public static string SourceOf(ReferenceKind kind, string version) => kind == ReferenceKind.Catalogue ? $"catalogue {version}" : $"Members reference set {version}";

    static string EmbeddedFileOf(ReferenceKind kind) => kind == ReferenceKind.Catalogue ? ReferenceData.CatalogueFile : ReferenceData.MembersFile;
}
