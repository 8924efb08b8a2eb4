using Microsoft.AspNetCore.Http;

namespace Pmm.Functions.Http;

/// <summary>Reads request bodies without holding more than a limit in memory.</summary>
public static class RequestBody
{
    /// <summary>
    /// The body, or TooLarge when its declared Content-Length is above <paramref name="maxBytes"/> (nothing is read)
    /// or as soon as a body without one (chunked) passes it (the rest is not read).
    /// </summary>
    public static Task<(byte[] Content, bool TooLarge)> ReadLimitedAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentLength > maxBytes
            ? Task.FromResult<(byte[], bool)>(([], true))
            : ReadLimitedAsync(request.Body, maxBytes, cancellationToken);
    }

    /// <summary>The body, or TooLarge as soon as it passes <paramref name="maxBytes"/> (the rest is not read).</summary>
    public static async Task<(byte[] Content, bool TooLarge)> ReadLimitedAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
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
