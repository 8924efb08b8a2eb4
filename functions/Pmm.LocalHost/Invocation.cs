using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Pmm.LocalHost;

/// <summary>Calls a function method by reflection and awaits its result, unwrapping reflection's exception wrapper.</summary>
static class Invocation
{
    public static async Task<object?> InvokeAsync(MethodInfo method, object? instance, object?[] arguments)
    {
        object? returned;
        try
        {
            returned = method.Invoke(instance, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        var type = task.GetType();
        return type.IsGenericType && type.GetProperty(nameof(Task<object>.Result)) is { } result && result.PropertyType.Name != "VoidTaskResult"
            ? result.GetValue(task)
            : null;
    }

    public static object? CreateInstance(MethodInfo method, IServiceProvider services) =>
        method.IsStatic ? null : Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
}
