using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Lamina.Cli.Client;

/// <summary>
/// Signed CloudWatch Logs calls (JSON 1.1, <c>Logs_20140328.*</c>, SigV4 service <c>logs</c>) to the server of
/// <see cref="LaminaClient"/>. Transport failures and error answers become <see cref="CliException"/>s, except
/// the error types the caller asks to see as values.
/// </summary>
internal sealed class LogsApi(ConnectionSettings settings) : IDisposable
{
    private readonly HttpClient _http = new(new SigV4Handler(settings, "logs")) { BaseAddress = settings.Endpoint, Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Calls <paramref name="operation"/>; returns (body, null) on success or (default, errorType) for an error in <paramref name="expected"/>.</summary>
    public async Task<(JsonElement Body, string? Error)> CallAsync(string operation, object body, CancellationToken ct, params string[] expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Logs_20140328." + operation);
        request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw LaminaClient.Unreachable(settings.Endpoint, e);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"Lamina at {settings.Endpoint} did not answer the logs API within 2 minutes.");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                var (type, _) = RemoteError.Parse(response, text);
                if (expected.Contains(type, StringComparer.Ordinal)) return (default, type);
                throw RemoteError.From(response, text, settings);
            }
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
            return (doc.RootElement.Clone(), null);
        }
    }

    public void Dispose() => _http.Dispose();
}
