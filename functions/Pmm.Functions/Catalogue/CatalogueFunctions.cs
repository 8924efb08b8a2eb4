using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Pmm.Core;
using Pmm.Core.Catalogue;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;
using Pmm.Functions.Cycles;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Catalogue;

/// <summary>
/// The KPI catalogue and the Members reference data, versioned: staff publish new versions (immutable, so WCO changes
/// KPIs or Members' attributes without a code change), a cycle pins one of each when it opens, and NCPs and dashboards
/// read the cycle's.
/// </summary>
public sealed class CatalogueFunctions(ReferenceDataProvider reference, CycleStore cycles, IOptions<UploadOptions> uploads)
{
    /// <summary>
    /// The default catalogue and Members reference set: the embedded versions, which cycles opened without naming a
    /// version use. A cycle's own (possibly another version): <see cref="GetCycleCatalogue"/>.
    /// </summary>
    [Function(nameof(GetCatalogue))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public IActionResult GetCatalogue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.DefaultCatalogue)] HttpRequest req) =>
        new OkObjectResult(ReferenceDataView.From(reference.DefaultCatalogue, reference.DefaultMembers));

    /// <summary>The JSON Schema of the JSON submission format, for NCPs' tools and editors.</summary>
    [Function(nameof(GetSubmissionSchema))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public IActionResult GetSubmissionSchema(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.SubmissionSchema)] HttpRequest req) =>
        new FileContentResult(ReferenceData.Read(ReferenceData.SubmissionSchemaFile), "application/schema+json");

    /// <summary>The catalogue and Members reference set a cycle is pinned to.</summary>
    [Function(nameof(GetCycleCatalogue))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public async Task<IActionResult> GetCycleCatalogue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.CycleCatalogue)] HttpRequest req,
        string cycleId,
        CancellationToken cancellationToken)
    {
        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return CycleCommands.NotFound(cycleId);
        }

        var data = await reference.ForCycleAsync(cycle, cancellationToken);
        return new OkObjectResult(ReferenceDataView.From(data.Catalogue, data.Members, cycle.CycleId));
    }

    /// <summary>Publishes a catalogue version (the catalogue JSON as body). Staff only; a version never changes once published.</summary>
    [Function(nameof(PublishCatalogue))]
    [Access(AppRoles.Staff)]
    public Task<IActionResult> PublishCatalogue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.CatalogueVersion)] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        PublishAsync(req, ReferenceKind.Catalogue, version, cancellationToken);

    [Function(nameof(ListCatalogues))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public Task<IActionResult> ListCatalogues(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Catalogues)] HttpRequest req,
        CancellationToken cancellationToken) =>
        ListAsync(ReferenceKind.Catalogue, cancellationToken);

    /// <summary>A catalogue version's document as published: download it, edit it, publish it as a new version.</summary>
    [Function(nameof(GetCatalogueVersion))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public Task<IActionResult> GetCatalogueVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.CatalogueVersion)] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        GetDocumentAsync(ReferenceKind.Catalogue, version, cancellationToken);

    /// <summary>Publishes a Members reference set version (the members JSON as body). Staff only; a version never changes once published.</summary>
    [Function(nameof(PublishMemberSet))]
    [Access(AppRoles.Staff)]
    public Task<IActionResult> PublishMemberSet(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.MemberSet)] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        PublishAsync(req, ReferenceKind.Members, version, cancellationToken);

    [Function(nameof(ListMemberSets))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public Task<IActionResult> ListMemberSets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.MemberSets)] HttpRequest req,
        CancellationToken cancellationToken) =>
        ListAsync(ReferenceKind.Members, cancellationToken);

    /// <summary>A Members reference set version's document as published.</summary>
    [Function(nameof(GetMemberSet))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public Task<IActionResult> GetMemberSet(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.MemberSet)] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        GetDocumentAsync(ReferenceKind.Members, version, cancellationToken);

    static string UrlOf(ReferenceKind kind, string version) => Routes.Url(kind == ReferenceKind.Catalogue ? Routes.CatalogueVersion : Routes.MemberSet, version);

    static string ListRouteOf(ReferenceKind kind) => kind == ReferenceKind.Catalogue ? Routes.Catalogues : Routes.MemberSets;

    /// <summary>Checks the document with the same loader the app uses, and returns the version it declares.</summary>
    static string? LoadVersion(ReferenceKind kind, byte[] document, string version)
    {
        var source = ReferenceDataProvider.SourceOf(kind, version);
        using var stream = new MemoryStream(document, writable: false);
        return kind == ReferenceKind.Catalogue ? KpiCatalogue.Load(stream, source).Version : MemberDirectory.Load(stream, source).Version;
    }

    async Task<IActionResult> PublishAsync(HttpRequest req, ReferenceKind kind, string version, CancellationToken cancellationToken)
    {
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
                    : $"The document says version '{declared}' but was sent to {UrlOf(kind, version)}; make the two agree.",
                pointer: "/version");
        }

        var outcome = await reference.PublishAsync(kind, version, document, req.HttpContext.GetCaller().Subject, cancellationToken);
        var view = new ReferenceVersionView(version, version == reference.DefaultVersionOf(kind), null, UrlOf(kind, version));
        return outcome switch
        {
            PublishOutcome.Created => new CreatedResult(view.Url, view),
            PublishOutcome.Unchanged => new OkObjectResult(view),
            _ => Problems.Conflict(ProblemCodes.VersionExists, $"{ReferenceDataProvider.SourceOf(kind, version)} is already published with other content, and a published version never changes (cycles are pinned to it). Publish the change under a new version."),
        };
    }

    async Task<IActionResult> ListAsync(ReferenceKind kind, CancellationToken cancellationToken)
    {
        var defaultVersion = reference.DefaultVersionOf(kind);
        var stored = await reference.ListStoredAsync(kind, cancellationToken);
        var views = stored.Select(v => new ReferenceVersionView(v.Version, v.Version == defaultVersion, v.StoredAt, UrlOf(kind, v.Version))).ToList();
        if (!views.Any(v => v.IsDefault))
        {
            views.Add(new ReferenceVersionView(defaultVersion, true, null, UrlOf(kind, defaultVersion)));
        }

        return new OkObjectResult(views.OrderBy(v => v.Version, StringComparer.Ordinal));
    }

    async Task<IActionResult> GetDocumentAsync(ReferenceKind kind, string version, CancellationToken cancellationToken)
    {
        return await reference.GetDocumentAsync(kind, version, cancellationToken) is { } document
            ? new FileContentResult(document.ToArray(), ReferenceStore.JsonContentType)
            : Problems.NotFound(ProblemCodes.VersionNotFound, $"There is no {ReferenceDataProvider.SourceOf(kind, version)}. {Routes.Show("GET", ListRouteOf(kind))} lists the published versions.");
    }
}
