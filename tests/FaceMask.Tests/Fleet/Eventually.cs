namespace FaceMask.Tests.Fleet;

/// <summary>Polls until a condition holds, with a deadline: no sleeping for a guessed time.</summary>
public static class Eventually
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var started = DateTime.UtcNow;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow - started > Deadline)
            {
                Assert.Fail($"Timed out after {Deadline.TotalSeconds} s waiting for {what}; last value: {Describe(value)}");
            }

            await Task.Delay(20, cancellation);
        }
    }

    private static string Describe<T>(T value) => value is System.Collections.IEnumerable items and not string
        ? "[" + string.Join(", ", items.Cast<object>()) + "]"
        : value?.ToString() ?? "null";
}
