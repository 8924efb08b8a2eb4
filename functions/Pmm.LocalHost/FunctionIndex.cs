using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Pmm.LocalHost;

/// <summary>An HTTP-triggered function: route and verbs come from its <see cref="HttpTriggerAttribute"/>.</summary>
public sealed record HttpFunction(string Name, MethodInfo Method, string Route, IReadOnlyList<string> Verbs, AuthorizationLevel AuthLevel);

/// <summary>A durable orchestrator or activity function; <see cref="InputType"/> is its input parameter's type.</summary>
public sealed record DurableFunction(string Name, MethodInfo Method, Type InputType);

/// <summary>A timer-triggered function with its (unresolved) schedule expression.</summary>
public sealed record TimerFunction(string Name, MethodInfo Method, string Schedule, bool RunOnStartup);

/// <summary>
/// Every function of an assembly, read from the same attributes the Functions host reads
/// (<c>[Function]</c>, <c>[HttpTrigger]</c>, <c>[OrchestrationTrigger]</c>, <c>[ActivityTrigger]</c>,
/// <c>[TimerTrigger]</c>): there is no second list of routes or names. Parameters the local host cannot
/// bind are reported at start-up, not at the first call.
/// </summary>
public sealed class FunctionIndex
{
    FunctionIndex(List<HttpFunction> http, List<DurableFunction> orchestrators, List<DurableFunction> activities, List<TimerFunction> timers)
    {
        Http = http;
        Orchestrators = orchestrators;
        Activities = activities;
        Timers = timers;
    }

    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<DurableFunction> Orchestrators { get; }

    public IReadOnlyList<DurableFunction> Activities { get; }

    public IReadOnlyList<TimerFunction> Timers { get; }

    public int Count => Http.Count + Orchestrators.Count + Activities.Count + Timers.Count;

    public static FunctionIndex Build(Assembly assembly)
    {
        var http = new List<HttpFunction>();
        var orchestrators = new List<DurableFunction>();
        var activities = new List<DurableFunction>();
        var timers = new List<TimerFunction>();
        var problems = new List<string>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                var parameters = method.GetParameters();
                var where = $"{type.Name}.{method.Name}";
                if (parameters.FirstOrDefault(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null) is { } httpParameter)
                {
                    var trigger = httpParameter.GetCustomAttribute<HttpTriggerAttribute>()!;
                    var route = trigger.Route ?? function.Name;
                    var routeNames = RouteParameterNames(route);
                    foreach (var p in parameters)
                    {
                        var bindable = p == httpParameter && p.ParameterType == typeof(HttpRequest)
                            || p.GetCustomAttribute<DurableClientAttribute>() is not null && p.ParameterType == typeof(DurableTaskClient)
                            || p.ParameterType == typeof(CancellationToken)
                            || p.ParameterType == typeof(string) && routeNames.Contains(p.Name!);
                        if (!bindable)
                        {
                            problems.Add($"{where}: parameter '{p.Name}' ({p.ParameterType.Name}) cannot be bound by the local host (supported: HttpRequest, [DurableClient] DurableTaskClient, CancellationToken, string route values).");
                        }
                    }

                    var verbs = trigger.Methods is { Length: > 0 } m ? m.Select(v => v.ToUpperInvariant()).ToList() : ["GET", "POST"];
                    http.Add(new HttpFunction(function.Name, method, route, verbs, trigger.AuthLevel));
                }
                else if (parameters.Any(p => p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null))
                {
                    if (!method.IsStatic)
                    {
                        problems.Add($"{where}: orchestrators must be static (they must not depend on injected services).");
                    }

                    orchestrators.Add(new DurableFunction(function.Name, method, InputTypeOf(parameters, typeof(TaskOrchestrationContext), where, problems)));
                }
                else if (parameters.FirstOrDefault(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null) is { } activityParameter)
                {
                    if (parameters.Any(p => p != activityParameter && p.ParameterType != typeof(CancellationToken)))
                    {
                        problems.Add($"{where}: activities may take only their [ActivityTrigger] input and a CancellationToken.");
                    }

                    activities.Add(new DurableFunction(function.Name, method, activityParameter.ParameterType));
                }
                else if (parameters.FirstOrDefault(p => p.GetCustomAttribute<TimerTriggerAttribute>() is not null) is { } timerParameter)
                {
                    var trigger = timerParameter.GetCustomAttribute<TimerTriggerAttribute>()!;
                    timers.Add(new TimerFunction(function.Name, method, trigger.Schedule, trigger.RunOnStartup));
                }
                else
                {
                    problems.Add($"{where}: [Function] with a trigger the local host does not run.");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The function app cannot run on the local host:\n  " + string.Join("\n  ", problems));
        }

        return new FunctionIndex(http, orchestrators, activities, timers);
    }

    static Type InputTypeOf(ParameterInfo[] parameters, Type contextType, string where, List<string> problems)
    {
        // As in the Functions worker: the input is the one parameter that is neither the trigger context nor a CancellationToken.
        var inputs = parameters.Where(p => p.ParameterType != contextType && p.ParameterType != typeof(CancellationToken)).ToList();
        if (inputs.Count > 1)
        {
            problems.Add($"{where}: an orchestrator takes its context and at most one input parameter.");
        }

        return inputs.Count == 1 ? inputs[0].ParameterType : typeof(object);
    }

    static HashSet<string> RouteParameterNames(string route) =>
        Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(route).Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
