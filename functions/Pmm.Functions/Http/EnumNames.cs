namespace Pmm.Functions.Http;

/// <summary>
/// Parses an enum from user input by name only. <c>Enum.TryParse</c> also takes numbers, so <c>?status=7</c> would
/// name a value that does not exist and <c>?status=1</c> one by its position.
/// </summary>
public static class EnumNames
{
    public static bool TryParse<T>(string? value, out T result)
        where T : struct, Enum
    {
        foreach (var name in Enum.GetNames<T>())
        {
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
            {
                result = Enum.Parse<T>(name);
                return true;
            }
        }

        result = default;
        return false;
    }

    /// <summary>The names a caller may send, lower case, for messages.</summary>
    public static string List<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(n => $"'{n.ToLowerInvariant()}'"));
}
