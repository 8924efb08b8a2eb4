namespace Pmm.Functions.Http;

/// <summary>Reads request bodies without holding more than a limit in memory.</summary>
public static class RequestBody
{
    /// <summary>The body, or TooLarge as soon as it passes <paramref name="maxBytes"/> (the rest is not read).</summary>
    public static async Task<(byte[] Content, bool TooLarge)> ReadLimitedAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return ([], true);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), false);
    }
}
