using System.Net.Http.Headers;
using System.Text.Json;
using FaceMask.LoadGen.Running;

namespace FaceMask.LoadGen.Requests;

public enum Endpoint
{
    /// <summary><c>POST /api/cpuTest</c>: detection only, nothing stored.</summary>
    CpuTest,

    /// <summary><c>POST /api/upload</c>: detection, annotation and storage for a user.</summary>
    Upload,
}

/// <summary>A user name and password for <c>/api/upload</c>.</summary>
public sealed record Credentials(string Username, string Password);

/// <summary>Posts the images of an <see cref="ImageSet"/> in turn to a FaceMask endpoint, as multipart forms like the original's scripts.</summary>
public sealed class FaceMaskSender : IRequestSender
{
    private readonly HttpClient _http;
    private readonly ImageSet _images;
    private readonly Endpoint _endpoint;
    private readonly Credentials? _credentials;
    private readonly TimeSpan _timeout;

    public FaceMaskSender(HttpClient http, ImageSet images, Endpoint endpoint, Credentials? credentials, TimeSpan timeout)
    {
        if (endpoint == Endpoint.Upload && credentials is null)
        {
            throw new ArgumentException("/api/upload needs a user name and password.", nameof(credentials));
        }

        _http = http;
        _images = images;
        _endpoint = endpoint;
        _credentials = credentials;
        _timeout = timeout;
    }

    public static string PathOf(Endpoint endpoint) => endpoint == Endpoint.CpuTest ? "/api/cpuTest" : "/api/upload";

    /// <summary>An HttpClient for load: no connection limit, no cookies, no client-side timeout (the sender enforces its own).</summary>
    public static HttpClient CreateHttpClient(Uri baseAddress) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };

    public string ImageFor(long index) => _images[index].Name;

    public async Task<SendResult> SendAsync(long index, CancellationToken cancellationToken)
    {
        var image = _images[index];
        using var form = new MultipartFormDataContent();
        if (_credentials is { } c)
        {
            form.Add(new StringContent(c.Username), "username");
            form.Add(new StringContent(c.Password), "password");
        }

        var file = new ByteArrayContent(image.Bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", image.Name);
        var sent = form.Headers.ContentLength ?? image.Bytes.Length;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.PostAsync(PathOf(_endpoint), form, timeout.Token);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new SendResult(image.Name, RequestOutcome.Ok, status, sent, body.Length, null)
                : new SendResult(image.Name, RequestOutcome.HttpError, status, sent, body.Length, ErrorMessage(body));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult(image.Name, RequestOutcome.Timeout, 0, sent, 0, $"no answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return new SendResult(image.Name, RequestOutcome.Failed, 0, sent, 0, e.Message);
        }
    }

    /// <summary><c>POST /api/register</c>; an existing user (409) is fine, anything else is an error with the server's message.</summary>
    public static async Task EnsureUserAsync(HttpClient http, Credentials credentials, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent([new("username", credentials.Username), new("password", credentials.Password)]);
        using var response = await http.PostAsync("/api/register", form, cancellationToken);
        if (response.IsSuccessStatusCode || (int)response.StatusCode == 409)
        {
            return;
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        throw new InvalidOperationException($"Could not register '{credentials.Username}': {(int)response.StatusCode} {ErrorMessage(body)}");
    }

    /// <summary>The message of a FaceMask error envelope, or the start of whatever else came back.</summary>
    internal static string ErrorMessage(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message))
            {
                return message.GetString() ?? "";
            }
        }
        catch (JsonException)
        {
        }

        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200));
        return text.ReplaceLineEndings(" ");
    }
}
