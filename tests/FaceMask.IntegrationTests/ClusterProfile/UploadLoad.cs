using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FaceMask.IntegrationTests.ClusterProfile;

/// <summary>One fixture photo, as the load sends it.</summary>
public sealed record Fixture(string FileName, byte[] Bytes)
{
    /// <summary>The labelled photos of ../shared/fixtures (PNG, mostly 16-bit RGBA, 2–12 faces each).</summary>
    public static IReadOnlyList<Fixture> All { get; } = Directory
        .GetFiles(Path.Combine(Processes.Shared, "fixtures", "images"), "*.png")
        .Order(StringComparer.Ordinal)
        .Select(path => new Fixture(Path.GetFileName(path), File.ReadAllBytes(path)))
        .ToList();
}

/// <summary>A user of the load, with the front end it uploads through.</summary>
public sealed record Uploader(string Front, Uri Address, string Username, string Password);

/// <summary>
/// One <c>POST /api/upload</c> and everything its answer said: the status, and for a 200 the image id, worker and
/// face count; for anything else the body as received (or the transport failure, status 0).
/// </summary>
public sealed record UploadShot(
    Uploader By, Fixture Photo, TimeSpan Started, TimeSpan Ended, int Status, string? ImageId, string? Worker, int? Faces, string? Body)
{
    public bool Accepted => Status == 200;

    /// <summary>
    /// A refusal the client can act on: a 5xx with the API's error shape (<c>success:false</c>, the same code, a
    /// message). A dropped connection, a hang or a 5xx with any other body is not clean.
    /// </summary>
    public bool IsCleanError()
    {
        if (Status < 500 || Body is null)
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(Body);
            var root = doc.RootElement;
            return root.GetProperty("success").GetBoolean() == false
                && root.GetProperty("error").GetProperty("code").GetInt32() == Status
                && root.GetProperty("error").GetProperty("message").GetString() is { Length: > 0 };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }
}

/// <summary>
/// Closed-loop upload load: each uploader posts the next fixture photo through its front end as soon as its last
/// answer arrives, until stopped. Every answer is recorded on one clock (<see cref="Now"/>) so a test can line
/// up its own actions (a kill) with the requests.
/// </summary>
public sealed class UploadLoad : IAsyncDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<UploadShot> _shots = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<HttpClient> _clients = [];
    private readonly Task[] _loops;

    private UploadLoad(IReadOnlyList<Uploader> uploaders)
    {
        _loops = uploaders.Select((uploader, i) =>
        {
            // Past Orleans' 30 s response timeout, so a request that hangs on a dead worker ends with WebFront's own answer.
            var http = new HttpClient { BaseAddress = uploader.Address, Timeout = TimeSpan.FromSeconds(60) };
            _clients.Add(http);
            return Task.Run(() => RunAsync(http, uploader, offset: i * 5));
        }).ToArray();
    }

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Every answer so far, in order of start.</summary>
    public IReadOnlyList<UploadShot> Shots => _shots.OrderBy(s => s.Started).ToList();

    public static UploadLoad Start(IReadOnlyList<Uploader> uploaders) => new(uploaders);

    /// <summary>Stops sending; the requests in flight are waited for, not abandoned, and recorded.</summary>
    public async Task<IReadOnlyList<UploadShot>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        return Shots;
    }

    /// <summary>Counts per front end and status, then every answer that was not a 200.</summary>
    public static string Describe(IReadOnlyCollection<UploadShot> shots)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{shots.Count} uploads, {shots.Count(s => s.Accepted)} accepted; ");
        text.AppendJoin(", ", shots.GroupBy(s => (s.By.Front, s.Status)).OrderBy(g => g.Key).Select(g => $"{g.Key.Front} {g.Key.Status}: {g.Count()}"));
        text.Append("; by worker: ");
        text.AppendJoin(", ", shots.Where(s => s.Accepted).GroupBy(s => s.Worker).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
        foreach (var failure in shots.Where(s => !s.Accepted))
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture,
                $"  {failure.By.Front} {failure.By.Username} {failure.Photo.FileName}: {failure.Started.TotalSeconds:0.00}-{failure.Ended.TotalSeconds:0.00} s, status {failure.Status}: {failure.Body}");
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        finally
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            _stop.Dispose();
        }
    }

    private async Task RunAsync(HttpClient http, Uploader uploader, int offset)
    {
        for (var n = offset; !_stop.IsCancellationRequested; n++)
        {
            _shots.Enqueue(await UploadAsync(http, uploader, Fixture.All[n % Fixture.All.Count]));
        }
    }

    private async Task<UploadShot> UploadAsync(HttpClient http, Uploader uploader, Fixture photo)
    {
        var started = _clock.Elapsed;
        try
        {
            using var form = ApiClient.PhotoForm(photo.Bytes, photo.FileName);
            form.Add(new StringContent(uploader.Username), "username");
            form.Add(new StringContent(uploader.Password), "password");
            // Not cancelled by the stop: a request once sent is answered and recorded.
            using var response = await http.PostAsync("/api/upload", form, CancellationToken.None);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var status = (int)response.StatusCode;
            if (status != 200)
            {
                return new UploadShot(uploader, photo, started, _clock.Elapsed, status, null, null, null, body);
            }

            using var doc = JsonDocument.Parse(body);
            var payload = doc.RootElement.GetProperty("payload");
            return new UploadShot(
                uploader,
                photo,
                started,
                _clock.Elapsed,
                status,
                payload.GetProperty("id").GetString(),
                payload.GetProperty("worker").GetString(),
                payload.GetProperty("num_faces").GetInt32(),
                null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return new UploadShot(uploader, photo, started, _clock.Elapsed, 0, null, null, null, e.GetType().Name + ": " + e.Message);
        }
    }
}
