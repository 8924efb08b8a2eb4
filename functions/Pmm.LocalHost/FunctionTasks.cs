using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Pmm.LocalHost;

/// <summary>Registers the app's orchestrator and activity functions in the Durable Task SDK registry, by their function names.</summary>
static class FunctionTasks
{
    public static void Register(DurableTaskRegistry registry, FunctionIndex index)
    {
        foreach (var o in index.Orchestrators)
        {
            registry.AddOrchestrator(o.Name, () => new FunctionOrchestrator(o));
        }

        foreach (var a in index.Activities)
        {
            registry.AddActivity(a.Name, services => new FunctionActivity(a, services));
        }
    }

    sealed class FunctionOrchestrator(DurableFunction function) : ITaskOrchestrator
    {
        public Type InputType => function.InputType;

        public Type OutputType => typeof(object);

        public Task<object?> RunAsync(TaskOrchestrationContext context, object? input) =>
            Invocation.InvokeAsync(function.Method, null, function.Method.GetParameters().Select(p => Bind(p, context, input)).ToArray());

        static object? Bind(ParameterInfo p, TaskOrchestrationContext context, object? input) =>
            p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null ? context
            : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
            : input;
    }

    sealed class FunctionActivity(DurableFunction function, IServiceProvider services) : ITaskActivity
    {
        public Type InputType => function.InputType;

        public Type OutputType => typeof(object);

        public Task<object?> RunAsync(TaskActivityContext context, object? input) =>
            Invocation.InvokeAsync(
                function.Method,
                Invocation.CreateInstance(function.Method, services),
                function.Method.GetParameters().Select(p => p.ParameterType == typeof(CancellationToken) ? (object)CancellationToken.None : input).ToArray());
    }
}
