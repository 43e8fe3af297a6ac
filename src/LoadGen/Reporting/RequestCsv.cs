using System.Globalization;
using System.Text;
using FaceMask.LoadGen.Running;

namespace FaceMask.LoadGen.Reporting;

/// <summary>
/// One CSV row per request (RFC 4180, invariant culture, milliseconds from the start of the run): what the
/// schedule wanted, what happened, and how long it took. Dropped requests have empty start, end and latency.
/// </summary>
public static class RequestCsv
{
    public const string Header = "index,image,scheduled_ms,start_ms,end_ms,outcome,status,latency_ms,bytes_sent,bytes_received,error";

    public static void Write(TextWriter writer, IEnumerable<RequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(records);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var r in records)
        {
            writer.Write(Row(r));
            writer.Write('\n');
        }
    }

    /// <summary>Writes to <paramref name="path"/> through a temporary file, so a failed run never leaves half a CSV.</summary>
    public static void WriteFile(string path, IEnumerable<RequestRecord> records)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
        {
            Write(writer, records);
        }

        File.Move(temp, full, overwrite: true);
    }

    public static string Row(RequestRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var inv = CultureInfo.InvariantCulture;
        string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString("0.000", inv) : "";
        return string.Join(
            ',',
            r.Index.ToString(inv),
            Field(r.Image),
            Ms(r.Scheduled),
            Ms(r.Start),
            Ms(r.End),
            OutcomeName(r.Outcome),
            r.Status == 0 ? "" : r.Status.ToString(inv),
            r.LatencyMs is { } l ? l.ToString("0.000", inv) : "",
            r.BytesSent.ToString(inv),
            r.BytesReceived.ToString(inv),
            Field(r.Error ?? ""));
    }

    public static string OutcomeName(RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.Ok => "ok",
        RequestOutcome.HttpError => "http_error",
        RequestOutcome.Failed => "failed",
        RequestOutcome.Timeout => "timeout",
        RequestOutcome.Dropped => "dropped",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    /// <summary>Quotes a field holding a comma, quote or line break, doubling its quotes.</summary>
    public static string Field(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
