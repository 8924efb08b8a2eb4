using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Pmm.Functions.Submissions;

/// <summary>
/// Every minute, starts again the validation of uploads that were acknowledged but lost their validation (a host killed
/// between storing an upload and starting its orchestration): every acknowledged upload reaches a verdict.
/// </summary>
public sealed class SubmissionSweepFunctions(SubmissionVersions versions, ILogger<SubmissionSweepFunctions> logger)
{
    /// <summary>Six-field NCRONTAB: at second 0 of every minute.</summary>
    public const string Schedule = "0 * * * * *";

    [Function(nameof(SweepStalledSubmissions))]
    public async Task SweepStalledSubmissions(
        [TimerTrigger(Schedule)] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var started = await versions.SweepAsync(client, cancellationToken);
        if (started.Count > 0)
        {
            logger.LogWarning("Restarted the validation of {Count} stalled submissions: {Ids}", started.Count, string.Join(", ", started));
        }
    }
}
