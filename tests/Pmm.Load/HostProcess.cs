using System.Globalization;

namespace Pmm.Load;

/// <summary>
/// The memory of the host under test, read from /proc: VmRSS sampled every 50 ms (peak since the last reset)
/// and VmHWM (the kernel's peak since the process started).
/// </summary>
sealed class HostProcess : IDisposable
{
    readonly int pid;
    readonly CancellationTokenSource stop = new();
    readonly Task sampler;
    long peakKb;

    public HostProcess(int pid)
    {
        this.pid = pid;
        peakKb = RssKb;
        sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var rss = RssKb;
                long seen;
                while (rss > (seen = Interlocked.Read(ref peakKb)) && Interlocked.CompareExchange(ref peakKb, rss, seen) != seen)
                {
                }

                try
                {
                    await Task.Delay(50, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    public bool IsAlive => Read("State") is { } state && !state.StartsWith('Z');

    public long RssKb => Kb("VmRSS");

    /// <summary>The kernel's high-water mark of the host's resident memory since it started.</summary>
    public long HighWaterKb => Kb("VmHWM");

    /// <summary>The highest VmRSS sampled since the last <see cref="ResetPeak"/>.</summary>
    public long SampledPeakKb => Math.Max(Interlocked.Read(ref peakKb), RssKb);

    public void ResetPeak() => Interlocked.Exchange(ref peakKb, RssKb);

    public static string Mb(long kb) => string.Create(CultureInfo.InvariantCulture, $"{kb / 1024.0:0} MB");

    long Kb(string key) =>
        Read(key) is { } value && long.TryParse(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb : 0;

    string? Read(string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key + ":", StringComparison.Ordinal))
                {
                    return line[(key.Length + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    public void Dispose()
    {
        stop.Cancel();
        try
        {
            sampler.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
        }

        stop.Dispose();
    }
}
