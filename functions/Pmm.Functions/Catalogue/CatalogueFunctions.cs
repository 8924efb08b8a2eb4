using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pmm.Core;
using Pmm.Core.Catalogue;
using Pmm.Functions.Auth;
using Pmm.Functions.Cycles;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.Functions.Catalogue;

/// <summary>
/// The KPI catalogue and the Members reference data, versioned: staff publish new versions (immutable, so WCO changes
/// KPIs or Members' attributes without a code change), a cycle pins one of each when it opens, and NCPs and dashboards
/// read the cycle's.
/// </summary>
public sealed class CatalogueFunctions(ReferenceDataProvider reference, ReferencePublishing publishing, CycleStore cycles)
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
        publishing.PublishAsync(req, ReferenceKind.Catalogue, version, req.HttpContext.GetCaller().Subject, cancellationToken);

    [Function(nameof(ListCatalogues))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public async Task<IActionResult> ListCatalogues(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Catalogues)] HttpRequest req,
        CancellationToken cancellationToken) =>
        new OkObjectResult(await publishing.ListAsync(ReferenceKind.Catalogue, cancellationToken));

    /// <summary>A catalogue version's document as published: download it, edit it, publish it as a new version.</summary>
    [Function(nameof(GetCatalogueVersion))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public Task<IActionResult> GetCatalogueVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.CatalogueVersion)] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        publishing.GetDocumentAsync(ReferenceKind.Catalogue, version, cancellationToken);

    /// <summary>Publishes a Members reference set version (the members JSON as body). Staff only; a version never changes once published.</summary>
    [Function(nameof(PublishMemberSet))]
    [Access(AppRoles.Staff)]
    public Task<IActionResult> PublishMemberSet(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.MemberSet)] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        publishing.PublishAsync(req, ReferenceKind.Members, version, req.HttpContext.GetCaller().Subject, cancellationToken);

    [Function(nameof(ListMemberSets))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public async Task<IActionResult> ListMemberSets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.MemberSets)] HttpRequest req,
        CancellationToken cancellationToken) =>
        new OkObjectResult(await publishing.ListAsync(ReferenceKind.Members, cancellationToken));

    /// <summary>A Members reference set version's document as published.</summary>
    [Function(nameof(GetMemberSet))]
    [Access(AppRoles.Member, AppRoles.Staff, AppRoles.Reader)]
    public Task<IActionResult> GetMemberSet(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.MemberSet)] HttpRequest req,
        string version,
        CancellationToken cancellationToken) =>
        publishing.GetDocumentAsync(ReferenceKind.Members, version, cancellationToken);
}
