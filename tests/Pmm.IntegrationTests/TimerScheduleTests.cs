using Microsoft.Extensions.Configuration;
using Pmm.LocalHost;

namespace Pmm.IntegrationTests;

/// <summary>Timer schedules are read as the Functions host reads them.</summary>
public class TimerScheduleTests
{
    static readonly IConfiguration Settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["SCHEDULE"] = "0 */5 * * * *" }).Build();

    // %Name% is replaced by the setting; a missing setting is an error naming it.
    [Fact]
    public void Resolve_SettingReference_ReadsConfiguration()
    {
        Assert.Equal("0 */5 * * * *", TimerScheduler.Resolve("%SCHEDULE%", Settings));
        Assert.Equal("0 0 * * * *", TimerScheduler.Resolve("0 0 * * * *", Settings));
        Assert.Contains("MISSING", Assert.Throws<InvalidOperationException>(() => TimerScheduler.Resolve("%MISSING%", Settings)).Message, StringComparison.Ordinal);
    }

    // Six fields include seconds (NCRONTAB); five are classic cron; hh:mm:ss is an interval.
    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-24T10:02:30", "2026-11-24T10:05:00")]
    [InlineData("*/2 * * * * *", "2026-11-24T10:02:30", "2026-11-24T10:02:32")]
    [InlineData("30 4 * * *", "2026-11-24T10:02:30", "2026-11-25T04:30:00")]
    [InlineData("00:00:10", "2026-11-24T10:02:30", "2026-11-24T10:02:40")]
    public void ParseSchedule_Forms_NextOccurrence(string expression, string from, string expected)
    {
        var next = TimerScheduler.ParseSchedule(expression);

        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next(DateTime.Parse(from, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
