using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pmm.Core.Catalogue;
using Pmm.Functions.Auth;

namespace Pmm.Functions.Catalogue;

/// <summary>The catalogue and Member reference data, for NCPs filling a file and dashboards labelling KPIs.</summary>
public sealed class CatalogueFunctions(KpiCatalogue catalogue, MemberDirectory members, RequestAuthenticator auth)
{
    [Function(nameof(GetCatalogue))]
    public async Task<IActionResult> GetCatalogue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalogue")] HttpRequest req)
    {
        var (_, failure) = await auth.AuthenticateAsync(req, AppRoles.Member, AppRoles.Staff, AppRoles.Reader);
        return failure ?? new OkObjectResult(new { catalogue.Version, catalogue.Dimensions, catalogue.Outcomes, catalogue.DisclosureLevels, catalogue.Items, catalogue.Kpis, catalogue.Rules, members.Regions, members.IncomeGroups, members.Members });
    }
}
