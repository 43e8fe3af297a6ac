using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FaceMask.IntegrationTests.Fleet;

/// <summary>One <c>POST /api/cpuTest</c>: when it started and ended on the load's clock, its status, and the worker that ran it.</summary>
public sealed record Shot(TimeSpan Started, TimeSpan Ended, int Status, string? Worker, string? Error)
{
    public bool Succeeded => Status == 200 && Worker is not null;
}

/// <summary>
/// Closed-loop load on <c>/api/cpuTest</c>: <c>clients</c> callers, each posting demo2.jpg again as soon as its last
/// answer arrives, until stopped or until <c>maxRequests</c> have been sent. Every call is recorded with its times on
/// one clock (<see cref="Now"/>), so a test can line up its own actions (a kill, a removal) with the requests.
/// </summary>
public sealed class DetectionLoad : IAsyncDisposable
{
    private static readonly byte[] Photo = BadImages.Demo2Jpeg;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Shot> _shots = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http;
    private readonly int? _maxRequests;
    private readonly Task[] _clients;
    private int _issued;

    private DetectionLoad(Uri baseAddress, int clients, int? maxRequests)
    {
        // Past Orleans' 30 s response timeout, so a call lost with its worker shows up as the 503 WebFront makes of it.
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _maxRequests = maxRequests;
        _clients = Enumerable.Range(0, clients).Select(_ => Task.Run(RunClientAsync)).ToArray();
    }

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Every call so far that has ended, in order of start.</summary>
    public IReadOnlyList<Shot> Shots => _shots.OrderBy(s => s.Started).ToList();

    public static DetectionLoad Start(Uri baseAddress, int clients, int? maxRequests = null) => new(baseAddress, clients, maxRequests);

    /// <summary>Waits for a bounded run to send all its requests and get their answers.</summary>
    public async Task<IReadOnlyList<Shot>> CompletionAsync()
    {
        await Task.WhenAll(_clients);
        return Shots;
    }

    /// <summary>Stops sending; the calls in flight are waited for, not abandoned, and counted.</summary>
    public async Task<IReadOnlyList<Shot>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        return Shots;
    }

    /// <summary>Successful calls per worker.</summary>
    public static IReadOnlyDictionary<string, int> ByWorker(IEnumerable<Shot> shots) =>
        shots.Where(s => s.Succeeded).GroupBy(s => s.Worker!).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>A few lines for assertion messages and the test output: counts per worker, then every failure.</summary>
    public static string Describe(IReadOnlyCollection<Shot> shots)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{shots.Count} requests, {shots.Count(s => !s.Succeeded)} failed; by worker: ");
        text.AppendJoin(", ", ByWorker(shots).OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"));
        foreach (var failure in shots.Where(s => !s.Succeeded))
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture,
                $"  failed: started {failure.Started.TotalSeconds:0.00} s, ended {failure.Ended.TotalSeconds:0.00} s, status {failure.Status}: {failure.Error}");
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_clients);
        }
        finally
        {
            _http.Dispose();
            _stop.Dispose();
        }
    }

    private async Task RunClientAsync()
    {
        while (!_stop.IsCancellationRequested && (_maxRequests is null || Interlocked.Increment(ref _issued) <= _maxRequests))
        {
            _shots.Enqueue(await ShootAsync());
        }
    }

    private async Task<Shot> ShootAsync()
    {
        var started = _clock.Elapsed;
        try
        {
            using var form = ApiClient.PhotoForm(Photo, "demo2.jpg");
            using var response = await _http.PostAsync("/api/cpuTest", form);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            string? worker = null;
            if (status == 200)
            {
                using var doc = JsonDocument.Parse(text);
                worker = doc.RootElement.GetProperty("payload").GetProperty("worker").GetString();
            }

            return new Shot(started, _clock.Elapsed, status, worker, status == 200 ? null : text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return new Shot(started, _clock.Elapsed, 0, null, e.GetType().Name + ": " + e.Message);
        }
    }
}
