using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Functions.Configuration;
using Pmm.Functions.Telemetry;
using Pmm.Storage;

namespace Pmm.Functions.Submissions;

/// <summary>
/// Turns an accepted upload into a version of the Member's submission and gets it validated, by the resubmission rules
/// of <see cref="SubmissionStore.ReceiveAsync"/>: the same content as the latest version is that version; anything
/// else is a new version, validated and, when accepted, made current.
/// </summary>
public sealed class SubmissionVersions(SubmissionStore submissions, CurrentSubmissionStore current, IOptions<UploadOptions> uploads, TimeProvider clock)
{
    /// <summary>
    /// How long a version's receiver has to start its validation before an identical upload may start it instead. Far
    /// longer than storing a record and scheduling an orchestration take; a Member retrying a minute later is served.
    /// </summary>
    public static readonly TimeSpan ValidationStartGrace = TimeSpan.FromMinutes(1);

    /// <summary>The version the upload is, and whether it was created by this upload (202) or already existed (200).</summary>
    public async Task<(SubmissionView View, bool Created)> ReceiveAsync(DurableTaskClient client, string cycleId, string memberCode, byte[] content, string contentType, DateTimeOffset receivedAt, KpiCatalogue catalogue, string uploadedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(content);
        var parsed = SubmissionFormats.Read(contentType, new MemoryStream(content, writable: false), uploads.Value.ExcelLimits);
        var hash = SubmissionFormats.ContentHash(parsed, content, catalogue);
        var candidate = new SubmissionRecord(cycleId, memberCode, SubmissionStore.NewSubmissionId(receivedAt), SubmissionStatus.Received, receivedAt, hash, contentType, content.Length, uploadedBy);
        var (record, created) = await submissions.ReceiveAsync(candidate, content, cancellationToken);
        PmmTelemetry.UploadReceived(cycleId, contentType, created);
        if (created)
        {
            await StartValidationAsync(client, record, cancellationToken);
            return (SubmissionView.From(record, false, null), true);
        }

        if (record.Status == SubmissionStatus.Received
            && await client.GetInstanceAsync(SubmissionFunctions.InstanceIdOf(record.SubmissionId), cancellationToken) is null
            && await submissions.TryClaimValidationStartAsync(record, clock.GetUtcNow(), clock.GetUtcNow() - ValidationStartGrace, cancellationToken))
        {
            // Stored by an earlier attempt that stopped before starting its validation: start it now. (An identical upload
            // racing this one that is still starting it holds a fresh claim, so it is never started twice.)
            await StartValidationAsync(client, record, cancellationToken);
        }

        var isCurrent = await current.GetCurrentIdAsync(cycleId, memberCode, cancellationToken) == record.SubmissionId;
        return (SubmissionView.From(record, isCurrent, null), false);
    }

    /// <summary>
    /// Starts again the validation of every version left without one: still <see cref="SubmissionStatus.Received"/> a
    /// grace period after it was stored and no orchestration (its receiver stopped between storing it and starting its
    /// validation), or waiting for a verdict while its orchestration is missing or ended (a hub cleaned up, a
    /// validation ended without recording a verdict). Returns the ids started. Safe beside uploads and other sweepers: a
    /// received version is started only under a fresh claim, and an orchestration that already exists is left alone.
    /// </summary>
    public async Task<IReadOnlyList<string>> SweepAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = clock.GetUtcNow();
        var started = new List<string>();
        foreach (var record in await submissions.ListUnfinishedAsync(cancellationToken))
        {
            if (record.ReceivedAt > now - ValidationStartGrace)
            {
                continue;
            }

            var instance = await client.GetInstanceAsync(SubmissionFunctions.InstanceIdOf(record.SubmissionId), cancellationToken);
            if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
            {
                continue;
            }

            if (record.Status == SubmissionStatus.Received && instance is null
                && !await submissions.TryClaimValidationStartAsync(record, now, now - ValidationStartGrace, cancellationToken))
            {
                continue;
            }

            try
            {
                await StartValidationAsync(client, record, cancellationToken);
                started.Add(record.SubmissionId);
            }
            catch (InvalidOperationException)
            {
                // Another sweeper or an identical upload started it a moment ago.
            }
        }

        return started;
    }

    static Task<string> StartValidationAsync(DurableTaskClient client, SubmissionRecord record, CancellationToken cancellationToken) =>
        client.ScheduleNewOrchestrationInstanceAsync(
            nameof(SubmissionFunctions.ValidationOrchestration),
            new SubmissionRef(record.CycleId, record.MemberCode, record.SubmissionId),
            new StartOrchestrationOptions(SubmissionFunctions.InstanceIdOf(record.SubmissionId)),
            cancellationToken);
}
