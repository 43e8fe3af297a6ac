using System.Globalization;

namespace FaceMask.Grains.Aws.Query;

public sealed record MetricDimension(string Name, string Value);

/// <summary>One value to publish; <see cref="Unit"/> is a CloudWatch unit name such as Count or Percent.</summary>
public sealed record MetricDatum(string MetricName, double Value, string Unit, DateTimeOffset Timestamp, IReadOnlyList<MetricDimension> Dimensions);

/// <summary>One GetMetricData query for a metric statistic; <see cref="Id"/> must start with a lower-case letter.</summary>
public sealed record MetricStatQuery(string Id, string Namespace, string MetricName, IReadOnlyList<MetricDimension> Dimensions, TimeSpan Period, string Stat);

public sealed record MetricPoint(DateTimeOffset Timestamp, double Value);

/// <summary>The answer to one query; <see cref="StatusCode"/> is Complete, PartialData, InternalError or Forbidden.</summary>
public sealed record MetricDataResult(string Id, string? Label, string StatusCode, IReadOnlyList<MetricPoint> Points);

/// <summary>CloudWatch (API version 2010-08-01) through the Query protocol: PutMetricData and GetMetricData.</summary>
public sealed class CloudWatchClient(AwsQueryClient query)
{
    public const string Version = "2010-08-01";
    public const string SigningName = "monitoring";
    private const int MaxPages = 20;

    public Task PutMetricDataAsync(string metricNamespace, IReadOnlyList<MetricDatum> data, CancellationToken cancellationToken)
    {
        if (data.Count == 0)
        {
            return Task.CompletedTask;
        }

        var parameters = new List<KeyValuePair<string, string>> { new("Namespace", metricNamespace) };
        for (var i = 0; i < data.Count; i++)
        {
            var prefix = $"MetricData.member.{i + 1}.";
            var datum = data[i];
            parameters.Add(new(prefix + "MetricName", datum.MetricName));
            AddDimensions(parameters, prefix, datum.Dimensions);
            parameters.Add(new(prefix + "Timestamp", Timestamp(datum.Timestamp)));
            parameters.Add(new(prefix + "Value", datum.Value.ToString("R", CultureInfo.InvariantCulture)));
            parameters.Add(new(prefix + "Unit", datum.Unit));
        }

        return query.SendAsync("PutMetricData", parameters, cancellationToken);
    }

    /// <summary>Every query's points in [start, end), oldest first, following NextToken across pages.</summary>
    public async Task<IReadOnlyList<MetricDataResult>> GetMetricDataAsync(
        IReadOnlyList<MetricStatQuery> queries, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        const string action = "GetMetricData";
        var results = queries.ToDictionary(q => q.Id, q => (Label: (string?)null, Status: "Complete", Points: new List<MetricPoint>()), StringComparer.Ordinal);
        string? nextToken = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var parameters = new List<KeyValuePair<string, string>>();
            for (var i = 0; i < queries.Count; i++)
            {
                var prefix = $"MetricDataQueries.member.{i + 1}.";
                var q = queries[i];
                parameters.Add(new(prefix + "Id", q.Id));
                parameters.Add(new(prefix + "MetricStat.Metric.Namespace", q.Namespace));
                parameters.Add(new(prefix + "MetricStat.Metric.MetricName", q.MetricName));
                AddDimensions(parameters, prefix + "MetricStat.Metric.", q.Dimensions);
                parameters.Add(new(prefix + "MetricStat.Period", ((int)q.Period.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
                parameters.Add(new(prefix + "MetricStat.Stat", q.Stat));
                parameters.Add(new(prefix + "ReturnData", "true"));
            }

            parameters.Add(new("StartTime", Timestamp(start)));
            parameters.Add(new("EndTime", Timestamp(end)));
            parameters.Add(new("ScanBy", "TimestampAscending"));
            if (nextToken is not null)
            {
                parameters.Add(new("NextToken", nextToken));
            }

            var result = (await query.SendAsync(action, parameters, cancellationToken)).Result(action);
            foreach (var member in result.Members("MetricDataResults"))
            {
                var id = member.Child("Id")?.Value ?? throw new FormatException("A metric data result has no Id.");
                var times = member.Members("Timestamps").Select(t => DateTimeOffset.Parse(t.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)).ToList();
                var values = member.Members("Values").Select(v => double.Parse(v.Value, NumberStyles.Float, CultureInfo.InvariantCulture)).ToList();
                if (times.Count != values.Count)
                {
                    throw new FormatException($"Metric data result {id} has {times.Count} timestamps and {values.Count} values.");
                }

                var entry = results.TryGetValue(id, out var known) ? known : (null, "Complete", []);
                entry.Points.AddRange(times.Zip(values, (t, v) => new MetricPoint(t, v)));
                results[id] = (member.Child("Label")?.Value ?? entry.Label, member.Child("StatusCode")?.Value ?? entry.Status, entry.Points);
            }

            nextToken = result.Child("NextToken")?.Value;
            if (string.IsNullOrEmpty(nextToken))
            {
                break;
            }
        }

        return results.Select(r => new MetricDataResult(r.Key, r.Value.Label, r.Value.Status, r.Value.Points.OrderBy(p => p.Timestamp).ToList())).ToList();
    }

    private static void AddDimensions(List<KeyValuePair<string, string>> parameters, string prefix, IReadOnlyList<MetricDimension> dimensions)
    {
        for (var d = 0; d < dimensions.Count; d++)
        {
            parameters.Add(new($"{prefix}Dimensions.member.{d + 1}.Name", dimensions[d].Name));
            parameters.Add(new($"{prefix}Dimensions.member.{d + 1}.Value", dimensions[d].Value));
        }
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
