using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using NCrontab;

namespace Pmm.LocalHost;

/// <summary>
/// Runs timer-triggered functions on their <c>[TimerTrigger]</c> schedules. As in the Functions host, a
/// schedule written <c>%Name%</c> is read from configuration; six-field NCRONTAB (with seconds), five-field
/// cron, and <c>hh:mm:ss</c> intervals are understood.
/// </summary>
sealed class TimerScheduler(FunctionIndex index, IConfiguration configuration, IServiceProvider services, TimeProvider clock, ILogger<TimerScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(index.Timers.Select(t => RunAsync(t, stoppingToken)));

    public static Func<DateTime, DateTime> ParseSchedule(string expression)
    {
        if (TimeSpan.TryParse(expression, System.Globalization.CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return last => last + interval;
        }

        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var schedule = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
        return schedule.GetNextOccurrence;
    }

    public static string Resolve(string expression, IConfiguration configuration)
    {
        if (expression.Length > 2 && expression[0] == '%' && expression[^1] == '%')
        {
            var name = expression[1..^1];
            return configuration[name] is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException($"Timer schedule '{expression}' refers to setting '{name}', which is not set.");
        }

        return expression;
    }

    async Task RunAsync(TimerFunction timer, CancellationToken stoppingToken)
    {
        var expression = Resolve(timer.Schedule, configuration);
        var next = ParseSchedule(expression);
        logger.LogInformation("Timer {Function} scheduled: {Schedule}", timer.Name, expression);
        DateTime? last = null;
        if (timer.RunOnStartup)
        {
            await InvokeAsync(timer, last, clock.GetUtcNow().UtcDateTime, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var due = next(now);
            try
            {
                await Task.Delay(due - now, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await InvokeAsync(timer, last, next(due), stoppingToken);
            last = due;
        }
    }

    async Task InvokeAsync(TimerFunction timer, DateTime? last, DateTime nextDue, CancellationToken stoppingToken)
    {
        var info = new TimerInfo { ScheduleStatus = new ScheduleStatus { Last = last ?? DateTime.MinValue, Next = nextDue, LastUpdated = clock.GetUtcNow().UtcDateTime } };
        try
        {
            await using var scope = services.CreateAsyncScope();
            var arguments = timer.Method.GetParameters().Select(p =>
                p.ParameterType == typeof(TimerInfo) ? info
                : p.ParameterType == typeof(DurableTaskClient) ? scope.ServiceProvider.GetRequiredService<DurableTaskClient>()
                : p.ParameterType == typeof(CancellationToken) ? (object)stoppingToken
                : throw new InvalidOperationException($"{timer.Name}: cannot bind parameter '{p.Name}'.")).ToArray();
            await Invocation.InvokeAsync(timer.Method, Invocation.CreateInstance(timer.Method, scope.ServiceProvider), arguments);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Timer function {Function} failed", timer.Name);
        }
    }
}
