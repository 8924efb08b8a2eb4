using System.Text;

namespace Pmm.Functions.Http;

/// <summary>
/// Every HTTP route template of the app, used by the <c>[HttpTrigger]</c> attributes and by every URL the app
/// writes into responses, Location headers and hints: one source of truth for where things are.
/// </summary>
public static class Routes
{
    /// <summary>The Functions host's route prefix (<c>host.json</c> <c>extensions.http.routePrefix</c>; a test keeps the two equal).</summary>
    public const string Prefix = "api";

    public const string Cycles = "cycles";
    public const string Cycle = Cycles + "/{cycleId}";
    public const string CycleClose = Cycle + "/close";
    public const string CycleDeadline = Cycle + "/deadline";
    public const string CycleRetry = Cycle + "/retry";
    public const string CycleBenchmarks = Cycle + "/benchmarks";
    public const string CycleSnapshots = Cycle + "/snapshots";
    public const string CyclePublish = Cycle + "/publish";
    public const string CycleRecompute = Cycle + "/recompute";
    public const string CycleCatalogue = Cycle + "/catalogue";
    public const string CycleMember = Cycle + "/members/{memberCode}";
    public const string Submissions = CycleMember + "/submissions";
    public const string Submission = Submissions + "/{submissionId}";
    public const string Validate = CycleMember + "/validate";
    public const string Template = CycleMember + "/template";
    public const string DefaultCatalogue = "catalogue";
    public const string SubmissionSchema = "schemas/submission";
    public const string Catalogues = "catalogues";
    public const string CatalogueVersion = Catalogues + "/{version}";
    public const string MemberSets = "members";
    public const string MemberSet = MemberSets + "/{version}";
    public const string Health = "health";

    /// <summary>The route value that names a Member: a route holding it is scoped to that Member.</summary>
    public const string MemberCodeParameter = "memberCode";

    /// <summary>
    /// The absolute path of <paramref name="template"/> with its parameters filled in order (escaped), under the
    /// route prefix: <c>Url(Routes.Cycle, "2026")</c> is <c>/api/cycles/2026</c>.
    /// </summary>
    public static string Url(string template, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        var path = new StringBuilder("/").Append(Prefix).Append('/');
        var next = 0;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '{')
            {
                path.Append(template[i]);
                continue;
            }

            var end = template.IndexOf('}', i);
            if (next >= values.Length)
            {
                throw new ArgumentException($"Route '{template}' needs more than {values.Length} values.", nameof(values));
            }

            path.Append(Uri.EscapeDataString(values[next++]));
            i = end;
        }

        return next == values.Length ? path.ToString() : throw new ArgumentException($"Route '{template}' takes {next} values, not {values.Length}.", nameof(values));
    }

    /// <summary>A template written for people: <c>GET /api/cycles/{cycleId}</c> as it appears in hints.</summary>
    public static string Show(string method, string template) => $"{method} /{Prefix}/{template}";
}
