using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Pmm.Core;
using Pmm.Core.Catalogue;
using Pmm.Functions.Configuration;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Catalogue;

/// <summary>
/// Publishing and reading catalogue and Members reference versions: a document is checked with the loader the app
/// uses and stored once under its version, which never changes after.
/// </summary>
public sealed class ReferencePublishing(ReferenceDataProvider reference, IOptions<UploadOptions> uploads)
{
    /// <summary>Checks and publishes the request's document as <paramref name="version"/>: 201, 200 (same content) or the problem.</summary>
    public async Task<IActionResult> PublishAsync(HttpRequest req, ReferenceKind kind, string version, string publishedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        if (!Identifiers.IsReferenceVersion(version))
        {
            return Problems.InvalidField($"'{Problems.Shown(version)}' cannot be a version: use 1-40 letters, digits, dots, hyphens or underscores, starting with a letter or digit (e.g. 2027.1).", pointer: "{version}");
        }

        var (document, tooLarge) = await RequestBody.ReadLimitedAsync(req, uploads.Value.MaxBytes, cancellationToken);
        if (tooLarge)
        {
            return Problems.TooLarge($"Reference documents are limited to {uploads.Value.MaxBytes} bytes.");
        }

        if (document.Length == 0)
        {
            return Problems.BadRequest(ProblemCodes.EmptyFile, $"The body is empty; send the {(kind == ReferenceKind.Catalogue ? "catalogue" : "Members reference set")} JSON.");
        }

        string? declared;
        try
        {
            declared = LoadVersion(kind, document, version);
        }
        catch (CatalogueException ex)
        {
            return Problems.BadRequest(kind == ReferenceKind.Catalogue ? ProblemCodes.InvalidCatalogue : ProblemCodes.InvalidMemberSet, ex.Message);
        }

        if (declared != version)
        {
            return Problems.BadRequest(
                ProblemCodes.VersionMismatch,
                declared is null
                    ? $"The document has no 'version'; set it to '{version}', the version in the URL."
                    : $"The document says version '{Problems.Shown(declared)}' but was sent to {UrlOf(kind, version)}; make the two agree.",
                pointer: "/version");
        }

        var outcome = await reference.PublishAsync(kind, version, document, publishedBy, cancellationToken);
        var view = new ReferenceVersionView(version, version == reference.DefaultVersionOf(kind), null, UrlOf(kind, version));
        return outcome switch
        {
            PublishOutcome.Created => new CreatedResult(view.Url, view),
            PublishOutcome.Unchanged => new OkObjectResult(view),
            _ => Problems.Conflict(ProblemCodes.VersionExists, $"{ReferenceDataProvider.SourceOf(kind, version)} is already published with other content, and a published version never changes (cycles are pinned to it). Publish the change under a new version."),
        };
    }

    /// <summary>The published versions, the default (embedded) one included.</summary>
    public async Task<IReadOnlyList<ReferenceVersionView>> ListAsync(ReferenceKind kind, CancellationToken cancellationToken)
    {
        var defaultVersion = reference.DefaultVersionOf(kind);
        var stored = await reference.ListStoredAsync(kind, cancellationToken);
        var views = stored.Select(v => new ReferenceVersionView(v.Version, v.Version == defaultVersion, v.StoredAt, UrlOf(kind, v.Version))).ToList();
        if (!views.Any(v => v.IsDefault))
        {
            views.Add(new ReferenceVersionView(defaultVersion, true, null, UrlOf(kind, defaultVersion)));
        }

        return [.. views.OrderBy(v => v.Version, StringComparer.Ordinal)];
    }

    /// <summary>A version's document as published, or the 404.</summary>
    public async Task<IActionResult> GetDocumentAsync(ReferenceKind kind, string version, CancellationToken cancellationToken) =>
        await reference.GetDocumentAsync(kind, version, cancellationToken) is { } document
            ? new FileContentResult(document.ToArray(), ReferenceStore.JsonContentType)
            : Problems.NotFound(ProblemCodes.VersionNotFound, $"There is no {ReferenceDataProvider.SourceOf(kind, Problems.Shown(version))}. {Routes.Show("GET", kind == ReferenceKind.Catalogue ? Routes.Catalogues : Routes.MemberSets)} lists the published versions.");

    static string UrlOf(ReferenceKind kind, string version) => Routes.Url(kind == ReferenceKind.Catalogue ? Routes.CatalogueVersion : Routes.MemberSet, version);

    /// <summary>Checks the document with the same loader the app uses, and returns the version it declares.</summary>
    static string? LoadVersion(ReferenceKind kind, byte[] document, string version)
    {
        var source = ReferenceDataProvider.SourceOf(kind, version);
        using var stream = new MemoryStream(document, writable: false);
        return kind == ReferenceKind.Catalogue ? KpiCatalogue.Load(stream, source).Version : MemberDirectory.Load(stream, source).Version;
    }
}
