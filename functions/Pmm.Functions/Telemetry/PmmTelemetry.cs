using System.Diagnostics;
using System.Diagnostics.Metrics;
using Pmm.Core.Formats;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Functions.Telemetry;

/// <summary>
/// The app's own traces and metrics (OpenTelemetry names, source and meter <see cref="Name"/>; exporters in
/// <see cref="TelemetryRegistration"/>). Tags name what operators count by (cycle, format, verdict, rule id, benchmark
/// kind) and never who or what: no Member code, caller, file name or submitted value ever goes into a tag, since
/// telemetry leaves the data's protection (Azure Monitor, a console, any OTLP collector).
/// </summary>
public static class PmmTelemetry
{
    /// <summary>The ActivitySource and Meter name.</summary>
    public const string Name = "Pmm";

    public const string CycleTag = "pmm.cycle";
    public const string FormatTag = "pmm.format";
    public const string NewVersionTag = "pmm.upload.new_version";
    public const string VerdictTag = "pmm.verdict";
    public const string RuleTag = "pmm.rule_id";
    public const string KindTag = "pmm.benchmark.kind";

    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string SystemError = "system-error";

    static readonly ActivitySource Source = new(Name);
    static readonly Meter Meter = new(Name);

    static readonly Counter<long> UploadsReceived = Meter.CreateCounter<long>(
        "pmm.uploads.received", "{upload}", "Uploads stored or matched to the latest version, by format; new_version false: same content as the latest version.");

    static readonly Counter<long> Verdicts = Meter.CreateCounter<long>(
        "pmm.verdicts", "{verdict}", "Verdicts recorded: accepted, rejected (findings), system-error (the server failed).");

    /// <summary>
    /// Bucket bounds in seconds around what matters: the verdict goal (3 s), a polling client's patience, the durable
    /// provider's message visibility after a crash (45 s); the exporters' default bounds are for milliseconds.
    /// </summary>
    static readonly InstrumentAdvice<double> Seconds = new() { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300] };

    static readonly Histogram<double> VerdictLatency = Meter.CreateHistogram(
        "pmm.verdict.latency", "s", "From an upload's receipt to its verdict.", advice: Seconds);

    static readonly Counter<long> ValidationFailures = Meter.CreateCounter<long>(
        "pmm.validation.failures", "{submission}", "Validations rejected, once per submission and error rule id.");

    static readonly Histogram<double> BenchmarkDuration = Meter.CreateHistogram(
        "pmm.benchmarks.duration", "s", "Time to compute (and store) a benchmark snapshot, provisional or final.", advice: Seconds);

    /// <summary>An upload reached the version store: a new version (202) or the latest one again (200).</summary>
    public static void UploadReceived(string cycleId, string mediaType, bool newVersion) =>
        UploadsReceived.Add(1, new(CycleTag, cycleId), new(FormatTag, FormatOf(mediaType)), new(NewVersionTag, newVersion));

    /// <summary>A verdict was recorded (<see cref="Accepted"/>, <see cref="Rejected"/> or <see cref="SystemError"/>) for an upload received at <paramref name="receivedAt"/>.</summary>
    public static void Verdict(string cycleId, string verdict, DateTimeOffset receivedAt, DateTimeOffset recordedAt)
    {
        Verdicts.Add(1, new(CycleTag, cycleId), new(VerdictTag, verdict));
        VerdictLatency.Record(Math.Max(0, (recordedAt - receivedAt).TotalSeconds), new(CycleTag, cycleId), new(VerdictTag, verdict));
    }

    /// <summary>The span of one submission's validation.</summary>
    public static Activity? StartValidation(string cycleId) =>
        Source.StartActivity("pmm.validate")?.SetTag(CycleTag, cycleId);

    /// <summary>Ends a validation's account: its outcome on the span, a failure per distinct error rule id when rejected.</summary>
    public static void Validated(Activity? span, string cycleId, ValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rejected = result.Status == ValidationStatus.Rejected;
        span?.SetTag(VerdictTag, rejected ? Rejected : Accepted);
        if (!rejected)
        {
            return;
        }

        // Rule ids are catalogue and code constants (a bounded set), never what the file held.
        foreach (var ruleId in result.Findings.Where(f => f.Severity == Severity.Error).Select(f => f.RuleId).Distinct(StringComparer.Ordinal))
        {
            ValidationFailures.Add(1, new(CycleTag, cycleId), new(RuleTag, ruleId));
        }
    }

    /// <summary>The span and duration of one benchmark computation; dispose it when the snapshot is stored.</summary>
    public static BenchmarkComputation MeasureBenchmarks(string cycleId, bool final) => new(cycleId, final ? "final" : "provisional");

    /// <summary>A short, bounded name of an upload's media type.</summary>
    public static string FormatOf(string mediaType) => mediaType switch
    {
        SubmissionFormats.Csv => "csv",
        SubmissionFormats.Json => "json",
        SubmissionFormats.Xlsx => "xlsx",
        _ => "other",
    };

    /// <summary>See <see cref="MeasureBenchmarks"/>.</summary>
    public sealed class BenchmarkComputation : IDisposable
    {
        readonly string cycleId;
        readonly string kind;
        readonly Activity? span;
        readonly long started = Stopwatch.GetTimestamp();

        internal BenchmarkComputation(string cycleId, string kind)
        {
            this.cycleId = cycleId;
            this.kind = kind;
            span = Source.StartActivity("pmm.benchmarks.compute")?.SetTag(CycleTag, cycleId).SetTag(KindTag, kind);
        }

        public void Dispose()
        {
            BenchmarkDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new(CycleTag, cycleId), new(KindTag, kind));
            span?.Dispose();
        }
    }
}
