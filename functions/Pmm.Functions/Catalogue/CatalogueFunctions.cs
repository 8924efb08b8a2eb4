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
public sealed class CatalogueFunctions(ReferenceDataProvider reference, CycleStore cycles, IOptions<UploadOptions> uploads, RequestAuthenticator auth)
{
    const string CataloguesRoute = "catalogues";
    const string MembersRoute = "members";

    /// <summary>
    /// The default catalogue and Members reference set: the embedded versions, which cycles opened without naming a
    /// version use. A cycle's own (possibly another version): <c>GET /api/cycles/{cycleId}/catalogue</c>.
    /// </summary>
    [Function(nameof(GetCatalogue))]
    public async Task<IActionResult> GetCatalogue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalogue")] HttpRequest req)
    {
        var (_, failure) = await auth.AuthenticateAsync(req, AppRoles.Member, AppRoles.Staff, AppRoles.Reader);
        return failure ?? new OkObjectResult(ReferenceDataView.From(reference.DefaultCatalogue, reference.DefaultMembers));
    }

    /// <summary>The JSON Schema of the JSON submission format, for NCPs' tools and editors.</summary>
    [Function(nameof(GetSubmissionSchema))]
    public async Task<IActionResult> GetSubmissionSchema(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schemas/submission")] HttpRequest req)
    {
        var (_, failure) = await auth.AuthenticateAsync(req, AppRoles.Member, AppRoles.Staff, AppRoles.Reader);
        return failure ?? new FileContentResult(ReferenceData.Read(ReferenceData.SubmissionSchemaFile), "application/schema+json");
    }

    /// <summary>The catalogue and Members reference set a cycle is pinned to.</summary>
    [Function(nameof(GetCycleCatalogue))]
    public async Task<IActionResult> GetCycleCatalogue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cycles/{cycleId}/catalogue")] HttpRequest req,
        string cycleId,
        CancellationToken cancellationToken)
    {
        var (_, failure) = await auth.AuthenticateAsync(req, AppRoles.Member, AppRoles.Staff, AppRoles.Reader);
        if (failure is not null)
        {
            return failure;
        }

        if (await cycles.GetAsync(cycleId, cancellationToken) is not { } cycle)
        {
            return CycleFunctions.CycleNotFound(cycleId);
        }

        var data = await reference.ForCycleAsync(cycle, cancellationToken);
        return new OkObjectResult(ReferenceDataView.From(data.Catalogue, data.Members, cycle.CycleId));
    }

    /// <summary>Publishes a catalogue version (the catalogue JSON as body). Staff only; a version never changes once published.</summary>
    [Function(nameof(PublishCatalogue))]
    public Task<IActionResult> PublishCatalogue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = CataloguesRoute + "/{version}")] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        PublishAsync(req, ReferenceKind.Catalogue, version, cancellationToken);

    [Function(nameof(ListCatalogues))]
    public Task<IActionResult> ListCatalogues(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CataloguesRoute)] HttpRequest req,
        CancellationToken cancellationToken) =>
        ListAsync(req, ReferenceKind.Catalogue, cancellationToken);

    /// <summary>A catalogue version's document as published: download it, edit it, publish it as a new version.</summary>
    [Function(nameof(GetCatalogueVersion))]
    public Task<IActionResult> GetCatalogueVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CataloguesRoute + "/{version}")] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        GetDocumentAsync(req, ReferenceKind.Catalogue, version, cancellationToken);

    /// <summary>Publishes a Members reference set version (the members JSON as body). Staff only; a version never changes once published.</summary>
    [Function(nameof(PublishMemberSet))]
    public Task<IActionResult> PublishMemberSet(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = MembersRoute + "/{version}")] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        PublishAsync(req, ReferenceKind.Members, version, cancellationToken);

    [Function(nameof(ListMemberSets))]
    public Task<IActionResult> ListMemberSets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = MembersRoute)] HttpRequest req,
        CancellationToken cancellationToken) =>
        ListAsync(req, ReferenceKind.Members, cancellationToken);

    /// <summary>A Members reference set version's document as published.</summary>
    [Function(nameof(GetMemberSet))]
    public Task<IActionResult> GetMemberSet(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = MembersRoute + "/{version}")] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        GetDocumentAsync(req, ReferenceKind.Members, version, cancellationToken);

    static string UrlOf(ReferenceKind kind, string version) => $"/api/{RouteOf(kind)}/{version}";

    static string RouteOf(ReferenceKind kind) => kind == ReferenceKind.Catalogue ? CataloguesRoute : MembersRoute;

    /// <summary>Checks the document with the same loader the app uses, and returns the version it declares.</summary>
    static string? LoadVersion(ReferenceKind kind, byte[] document, string version)
    {
        var source = ReferenceDataProvider.SourceOf(kind, version);
        using var stream = new MemoryStream(document, writable: false);
        return kind == ReferenceKind.Catalogue ? KpiCatalogue.Load(stream, source).Version : MemberDirectory.Load(stream, source).Version;
    }

    async Task<IActionResult> PublishAsync(HttpRequest req, ReferenceKind kind, string version, CancellationToken cancellationToken)
    {
        var (caller, failure) = await auth.AuthenticateAsync(req, AppRoles.Staff);
        if (failure is not null)
        {
            return failure;
        }

        if (!Identifiers.IsReferenceVersion(version))
        {
            return Problems.BadRequest(ProblemCodes.InvalidField, $"'{version}' cannot be a version: use 1-40 letters, digits, dots, hyphens or underscores, starting with a letter or digit (e.g. 2027.1).");
        }

        var (document, tooLarge) = await RequestBody.ReadLimitedAsync(req.Body, uploads.Value.MaxBytes, cancellationToken);
        if (tooLarge)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.TooLarge, "The document is too large.", $"Documents are limited to {uploads.Value.MaxBytes} bytes.");
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

        var outcome = await reference.PublishAsync(kind, version, document, caller!.Subject, cancellationToken);
        var view = new ReferenceVersionView(version, version == reference.DefaultVersionOf(kind), null, UrlOf(kind, version));
        return outcome switch
        {
            PublishOutcome.Created => new CreatedResult(view.Url, view),
            PublishOutcome.Unchanged => new OkObjectResult(view),
            _ => Problems.Conflict(ProblemCodes.VersionExists, $"{ReferenceDataProvider.SourceOf(kind, version)} is already published with other content, and a published version never changes (cycles are pinned to it). Publish the change under a new version."),
        };
    }

    async Task<IActionResult> ListAsync(HttpRequest req, ReferenceKind kind, CancellationToken cancellationToken)
    {
        var (_, failure) = await auth.AuthenticateAsync(req, AppRoles.Member, AppRoles.Staff, AppRoles.Reader);
        if (failure is not null)
        {
            return failure;
        }

        var defaultVersion = reference.DefaultVersionOf(kind);
        var stored = await reference.ListStoredAsync(kind, cancellationToken);
        var views = stored.Select(v => new ReferenceVersionView(v.Version, v.Version == defaultVersion, v.StoredAt, UrlOf(kind, v.Version))).ToList();
        if (!views.Any(v => v.IsDefault))
        {
            views.Add(new ReferenceVersionView(defaultVersion, true, null, UrlOf(kind, defaultVersion)));
        }

        return new OkObjectResult(views.OrderBy(v => v.Version, StringComparer.Ordinal));
    }

    async Task<IActionResult> GetDocumentAsync(HttpRequest req, ReferenceKind kind, string version, CancellationToken cancellationToken)
    {
        var (_, failure) = await auth.AuthenticateAsync(req, AppRoles.Member, AppRoles.Staff, AppRoles.Reader);
        if (failure is not null)
        {
            return failure;
        }

        return await reference.GetDocumentAsync(kind, version, cancellationToken) is { } document
            ? new FileContentResult(document.ToArray(), ReferenceStore.JsonContentType)
            : Problems.NotFound(ProblemCodes.VersionNotFound, $"There is no {ReferenceDataProvider.SourceOf(kind, version)}. GET /api/{RouteOf(kind)} lists the published versions.");
    }
}
