using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Text;

namespace FaceMask.Tests.Aws;

/// <summary>One request the fake accepted (signature verified), with its decoded form parameters.</summary>
public sealed record AwsCall(int Sequence, string Service, string Action, IReadOnlyDictionary<string, string> Parameters, SignedBy Signer);

/// <summary>
/// EC2, ELBv2 and CloudWatch on one local HttpListener (127.0.0.1, a free port), told apart by the service in each
/// request's credential scope. Every request's SigV4 signature is checked with the test's credentials; a bad one gets
/// AWS's 403 error document. Parameters are checked against the names the APIs document (an unknown one is a
/// 400), answers are XML written after the documented shapes, and faults can be queued per action.
/// </summary>
public sealed class FakeAws : IDisposable
{
    public const string AccessKey = "AKIDFACEMASKTEST0001";
    public const string SecretKey = "fake/Secret+Key0123456789abcdefghijklmn";
    public const string Region = "eu-west-1";
    public const string TargetGroupArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/facemask/0123456789abcdef";
    public const string LoadBalancerArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/facemask/fedcba9876543210";
    private const string Ec2Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private const string ElbNs = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
    private const string CwNs = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    private readonly HttpListener _listener = new();
    private readonly SigV4Verifier _verifier;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeInstance> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _clientTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> _registered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _draining = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(HttpStatusCode Status, string Code, string Message)>> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(DateTimeOffset Time, double Value)>> _metrics = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private int _sequence;
    private int _nextInstance = 0x1000;

    public FakeAws(string? sessionToken = null)
    {
        _verifier = new SigV4Verifier(AccessKey, SecretKey, Region, sessionToken);
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Url = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The port was taken between probing and binding; try another.
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public ConcurrentQueue<AwsCall> Calls { get; } = new();

    /// <summary>Requests refused for their signature: (error code, message).</summary>
    public ConcurrentQueue<(string Code, string Message)> Rejected { get; } = new();

    public int DeregistrationDelaySeconds { get; set; } = 300;

    /// <summary>GetMetricData answers at most this many points per page (then a NextToken).</summary>
    public int MetricPageSize { get; set; } = 100;

    public IReadOnlyList<AwsCall> CallsOf(string action) => Calls.Where(c => c.Action == action).ToList();

    public IReadOnlyList<string> Actions() => Calls.OrderBy(c => c.Sequence).Select(c => c.Action).ToList();

    /// <summary>The next <paramref name="times"/> calls of <paramref name="action"/> fail with this AWS error.</summary>
    public void Fail(string action, HttpStatusCode status, string code, string message, int times = 1)
    {
        var queue = _faults.GetOrAdd(action, _ => new());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue((status, code, message));
        }
    }

    public void SetState(string instanceId, string state)
    {
        lock (_gate)
        {
            _instances[instanceId].State = state;
        }
    }

    public string StateOf(string instanceId)
    {
        lock (_gate)
        {
            return _instances[instanceId].State;
        }
    }

    public IReadOnlyDictionary<string, string> TagsOf(string instanceId)
    {
        lock (_gate)
        {
            return new Dictionary<string, string>(_instances[instanceId].Tags);
        }
    }

    public bool IsRegistered(string instanceId)
    {
        lock (_gate)
        {
            return _registered.Contains(instanceId);
        }
    }

    public void AddMetricPoints(string metricNamespace, string metricName, string dimensions, params (DateTimeOffset Time, double Value)[] points)
    {
        lock (_gate)
        {
            var key = $"{metricNamespace}|{metricName}|{dimensions}";
            if (!_metrics.TryGetValue(key, out var list))
            {
                _metrics[key] = list = [];
            }

            list.AddRange(points);
        }
    }

    public IReadOnlyList<(DateTimeOffset Time, double Value)> MetricPoints(string metricNamespace, string metricName, string dimensions)
    {
        lock (_gate)
        {
            return _metrics.TryGetValue($"{metricNamespace}|{metricName}|{dimensions}", out var list) ? [.. list] : [];
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener.
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = new NameValueHeaders(request.Headers.AllKeys.OfType<string>()
            .SelectMany(name => (request.Headers.GetValues(name) ?? []).Select(value => (name, value))));
        var (signer, code, message) = _verifier.Verify(request.HttpMethod, request.RawUrl ?? "/", headers, body);
        var service = ScopeService(headers.Get("Authorization"));
        (HttpStatusCode Status, string Xml) answer;
        if (signer is null)
        {
            Rejected.Enqueue((code!, message!));
            answer = (HttpStatusCode.Forbidden, ErrorXml(service, "Sender", code!, message!));
        }
        else
        {
            answer = Dispatch(signer, Form(Encoding.UTF8.GetString(body)));
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Xml);
        context.Response.StatusCode = (int)answer.Status;
        context.Response.ContentType = "text/xml;charset=UTF-8";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private (HttpStatusCode, string) Dispatch(SignedBy signer, Dictionary<string, string> form)
    {
        var service = signer.Service;
        if (!form.Remove("Action", out var action) || !form.Remove("Version", out var version))
        {
            return (HttpStatusCode.BadRequest, ErrorXml(service, "Sender", "MissingAction", "Action and Version are required."));
        }

        var expectedVersion = service switch { "ec2" => "2016-11-15", "elasticloadbalancing" => "2015-12-01", "monitoring" => "2010-08-01", _ => null };
        if (expectedVersion is null || version != expectedVersion)
        {
            return (HttpStatusCode.BadRequest, ErrorXml(service, "Sender", "InvalidAction", $"Could not find operation {action} for version {version}"));
        }

        Calls.Enqueue(new AwsCall(Interlocked.Increment(ref _sequence), service, action, form, signer));
        if (_faults.TryGetValue(action, out var faults) && faults.TryDequeue(out var fault))
        {
            return (fault.Status, ErrorXml(service, fault.Status >= HttpStatusCode.InternalServerError ? "Receiver" : "Sender", fault.Code, fault.Message));
        }

        try
        {
            lock (_gate)
            {
                return (HttpStatusCode.OK, (service, action) switch
                {
                    ("ec2", "RunInstances") => RunInstances(form),
                    ("ec2", "DescribeInstances") => DescribeInstances(form),
                    ("ec2", "TerminateInstances") => TerminateInstances(form),
                    ("ec2", "CreateTags") => CreateTags(form),
                    ("elasticloadbalancing", "RegisterTargets") => RegisterTargets(form),
                    ("elasticloadbalancing", "DeregisterTargets") => DeregisterTargets(form),
                    ("elasticloadbalancing", "DescribeTargetHealth") => DescribeTargetHealth(form),
                    ("elasticloadbalancing", "DescribeTargetGroupAttributes") => DescribeTargetGroupAttributes(form),
                    ("monitoring", "PutMetricData") => PutMetricData(form),
                    ("monitoring", "GetMetricData") => GetMetricData(form),
                    _ => throw new FakeError(HttpStatusCode.BadRequest, "InvalidAction", $"The action {action} is not valid for this web service."),
                });
            }
        }
        catch (FakeError error)
        {
            return (error.Status, ErrorXml(service, "Sender", error.Code, error.Message));
        }
    }

    // ---- EC2 ----

    private string RunInstances(Dictionary<string, string> form)
    {
        Allow(form, "ImageId", "InstanceType", "MinCount", "MaxCount", "ClientToken", "UserData", "SubnetId", @"SecurityGroupId\.\d+",
            @"IamInstanceProfile\.(Name|Arn)", "KeyName", @"TagSpecification\.1\.ResourceType", @"TagSpecification\.1\.Tag\.\d+\.(Key|Value)");
        var image = Required(form, "ImageId");
        if (!image.StartsWith("ami-", StringComparison.Ordinal))
        {
            throw new FakeError(HttpStatusCode.BadRequest, "InvalidAMIID.Malformed", $"Invalid id: \"{image}\" (expecting \"ami-...\")");
        }

        if (Required(form, "MinCount") != "1" || Required(form, "MaxCount") != "1")
        {
            throw new FakeError(HttpStatusCode.BadRequest, "InvalidParameterValue", "This fake launches one instance at a time.");
        }

        Required(form, "InstanceType");
        if (form.TryGetValue("ClientToken", out var token) && _clientTokens.TryGetValue(token, out var existing))
        {
            return RunInstancesXml(_instances[existing]);
        }

        if (form.TryGetValue("UserData", out var userData))
        {
            try
            {
                Convert.FromBase64String(userData);
            }
            catch (FormatException)
            {
                throw new FakeError(HttpStatusCode.BadRequest, "InvalidParameterValue", "Invalid BASE64 encoding of user data.");
            }
        }

        var id = $"i-0fa{_nextInstance++:x13}";
        var instance = new FakeInstance(id, image, form["InstanceType"], form);
        for (var i = 1; form.TryGetValue($"TagSpecification.1.Tag.{i}.Key", out var key); i++)
        {
            instance.Tags[key] = form.GetValueOrDefault($"TagSpecification.1.Tag.{i}.Value", "");
        }

        _instances[id] = instance;
        if (token is not null)
        {
            _clientTokens[token] = id;
        }

        return RunInstancesXml(instance);
    }

    private string RunInstancesXml(FakeInstance instance) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <RunInstancesResponse xmlns="{Ec2Ns}">
          <requestId>{Guid.NewGuid()}</requestId>
          <reservationId>r-0{instance.Id[3..]}</reservationId>
          <ownerId>123456789012</ownerId>
          <groupSet/>
          <instancesSet>{InstanceXml(instance)}</instancesSet>
        </RunInstancesResponse>
        """;

    private string DescribeInstances(Dictionary<string, string> form)
    {
        Allow(form, @"InstanceId\.\d+", @"Filter\.\d+\.Name", @"Filter\.\d+\.Value\.\d+", "MaxResults", "NextToken");
        var ids = Indexed(form, "InstanceId.{0}").ToList();
        var unknown = ids.Where(id => !_instances.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new FakeError(HttpStatusCode.BadRequest, "InvalidInstanceID.NotFound", $"The instance ID '{string.Join(", ", unknown)}' does not exist");
        }

        IEnumerable<FakeInstance> found = ids.Count > 0 ? ids.Select(id => _instances[id]) : _instances.Values;
        for (var f = 1; form.TryGetValue($"Filter.{f}.Name", out var name); f++)
        {
            var values = Indexed(form, $"Filter.{f}.Value.{{0}}").ToHashSet(StringComparer.Ordinal);
            found = name switch
            {
                "instance-state-name" => found.Where(i => values.Contains(i.State)),
                "tag-key" => found.Where(i => i.Tags.Keys.Any(values.Contains)),
                _ when name.StartsWith("tag:", StringComparison.Ordinal) => found.Where(i => i.Tags.TryGetValue(name[4..], out var v) && values.Contains(v)),
                _ => throw new FakeError(HttpStatusCode.BadRequest, "InvalidParameterValue", $"The filter '{name}' is invalid"),
            };
        }

        var reservations = string.Concat(found.Select(i => $"""
            <item>
              <reservationId>r-0{i.Id[3..]}</reservationId>
              <ownerId>123456789012</ownerId>
              <groupSet/>
              <instancesSet>{InstanceXml(i)}</instancesSet>
            </item>
            """));
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeInstancesResponse xmlns="{Ec2Ns}">
              <requestId>{Guid.NewGuid()}</requestId>
              <reservationSet>{reservations}</reservationSet>
            </DescribeInstancesResponse>
            """;
    }

    private string TerminateInstances(Dictionary<string, string> form)
    {
        Allow(form, @"InstanceId\.\d+");
        var items = new StringBuilder();
        foreach (var id in Indexed(form, "InstanceId.{0}"))
        {
            if (!_instances.TryGetValue(id, out var instance))
            {
                throw new FakeError(HttpStatusCode.BadRequest, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");
            }

            var previous = instance.State;
            if (previous != "terminated")
            {
                instance.State = "shutting-down";
            }

            items.Append($"""
                <item>
                  <instanceId>{id}</instanceId>
                  <currentState><code>{StateCode(instance.State)}</code><name>{instance.State}</name></currentState>
                  <previousState><code>{StateCode(previous)}</code><name>{previous}</name></previousState>
                </item>
                """);
        }

        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <TerminateInstancesResponse xmlns="{Ec2Ns}">
              <requestId>{Guid.NewGuid()}</requestId>
              <instancesSet>{items}</instancesSet>
            </TerminateInstancesResponse>
            """;
    }

    private string CreateTags(Dictionary<string, string> form)
    {
        Allow(form, @"ResourceId\.\d+", @"Tag\.\d+\.(Key|Value)");
        foreach (var id in Indexed(form, "ResourceId.{0}"))
        {
            if (!_instances.TryGetValue(id, out var instance))
            {
                throw new FakeError(HttpStatusCode.BadRequest, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");
            }

            for (var t = 1; form.TryGetValue($"Tag.{t}.Key", out var key); t++)
            {
                instance.Tags[key] = form.GetValueOrDefault($"Tag.{t}.Value", "");
            }
        }

        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <CreateTagsResponse xmlns="{Ec2Ns}"><requestId>{Guid.NewGuid()}</requestId><return>true</return></CreateTagsResponse>
            """;
    }

    private static string InstanceXml(FakeInstance i) => $"""
        <item>
          <instanceId>{i.Id}</instanceId>
          <imageId>{i.ImageId}</imageId>
          <instanceState><code>{StateCode(i.State)}</code><name>{i.State}</name></instanceState>
          <privateDnsName/>
          <instanceType>{i.InstanceType}</instanceType>
          <launchTime>2026-11-27T12:00:00.000Z</launchTime>
          {(i.State == "running" ? "<privateIpAddress>10.0.1.17</privateIpAddress>" : "")}
          <tagSet>{string.Concat(i.Tags.Select(t => $"<item><key>{SecurityElement.Escape(t.Key)}</key><value>{SecurityElement.Escape(t.Value)}</value></item>"))}</tagSet>
        </item>
        """;

    private static int StateCode(string state) => state switch
    {
        "pending" => 0, "running" => 16, "shutting-down" => 32, "terminated" => 48, "stopping" => 64, "stopped" => 80, _ => 0,
    };

    // ---- ELBv2 ----

    private string RegisterTargets(Dictionary<string, string> form)
    {
        var ids = Targets(form);
        foreach (var id in ids)
        {
            if (!_instances.TryGetValue(id, out var instance) || instance.State != "running")
            {
                throw new FakeError(HttpStatusCode.BadRequest, "InvalidTarget", $"The following targets are not in a running state and cannot be registered: '{id}'");
            }

            _registered.Add(id);
            _draining.Remove(id);
        }

        return ElbEmpty("RegisterTargets");
    }

    private string DeregisterTargets(Dictionary<string, string> form)
    {
        foreach (var id in Targets(form))
        {
            if (!_registered.Remove(id))
            {
                throw new FakeError(HttpStatusCode.BadRequest, "InvalidTarget", $"The following targets are not registered in target group: '{id}'");
            }

            _draining.Add(id);
        }

        return ElbEmpty("DeregisterTargets");
    }

    private string DescribeTargetHealth(Dictionary<string, string> form)
    {
        Allow(form, "TargetGroupArn", @"Targets\.member\.\d+\.(Id|Port|AvailabilityZone)", @"Include\.member\.\d+");
        CheckTargetGroup(form);
        var asked = Indexed(form, "Targets.member.{0}.Id").ToList();
        var ids = asked.Count > 0 ? asked : _registered.Concat(_draining).ToList();
        var members = string.Concat(ids.Select(id =>
        {
            var (state, reason) = _registered.Contains(id) ? ("healthy", null)
                : _draining.Contains(id) ? ("draining", "Target.DeregistrationInProgress")
                : ("unused", "Target.NotRegistered");
            return $"""
                <member>
                  <Target><Id>{id}</Id><Port>8080</Port></Target>
                  <HealthCheckPort>8080</HealthCheckPort>
                  <TargetHealth><State>{state}</State>{(reason is null ? "" : $"<Reason>{reason}</Reason><Description>{reason}</Description>")}</TargetHealth>
                </member>
                """;
        }));
        return $"""
            <DescribeTargetHealthResponse xmlns="{ElbNs}">
              <DescribeTargetHealthResult><TargetHealthDescriptions>{members}</TargetHealthDescriptions></DescribeTargetHealthResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </DescribeTargetHealthResponse>
            """;
    }

    private string DescribeTargetGroupAttributes(Dictionary<string, string> form)
    {
        Allow(form, "TargetGroupArn");
        CheckTargetGroup(form);
        return $"""
            <DescribeTargetGroupAttributesResponse xmlns="{ElbNs}">
              <DescribeTargetGroupAttributesResult>
                <Attributes>
                  <member><Key>stickiness.enabled</Key><Value>false</Value></member>
                  <member><Key>deregistration_delay.timeout_seconds</Key><Value>{DeregistrationDelaySeconds}</Value></member>
                  <member><Key>stickiness.type</Key><Value>lb_cookie</Value></member>
                </Attributes>
              </DescribeTargetGroupAttributesResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </DescribeTargetGroupAttributesResponse>
            """;
    }

    private static List<string> Targets(Dictionary<string, string> form)
    {
        Allow(form, "TargetGroupArn", @"Targets\.member\.\d+\.(Id|Port|AvailabilityZone)");
        CheckTargetGroup(form);
        var ids = Indexed(form, "Targets.member.{0}.Id").ToList();
        return ids.Count > 0 ? ids : throw new FakeError(HttpStatusCode.BadRequest, "ValidationError", "1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null");
    }

    private static void CheckTargetGroup(Dictionary<string, string> form)
    {
        var arn = Required(form, "TargetGroupArn");
        if (arn != TargetGroupArn)
        {
            throw new FakeError(HttpStatusCode.BadRequest, "TargetGroupNotFound", $"Target groups '{arn}' not found");
        }
    }

    private static string ElbEmpty(string action) => $"""
        <{action}Response xmlns="{ElbNs}">
          <{action}Result/>
          <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
        </{action}Response>
        """;

    // ---- CloudWatch ----

    private string PutMetricData(Dictionary<string, string> form)
    {
        Allow(form, "Namespace", @"MetricData\.member\.\d+\.(MetricName|Value|Unit|Timestamp|StorageResolution)",
            @"MetricData\.member\.\d+\.Dimensions\.member\.\d+\.(Name|Value)");
        var metricNamespace = Required(form, "Namespace");
        for (var m = 1; form.TryGetValue($"MetricData.member.{m}.MetricName", out var name); m++)
        {
            var prefix = $"MetricData.member.{m}.";
            var value = double.Parse(Required(form, prefix + "Value"), CultureInfo.InvariantCulture);
            var time = DateTimeOffset.Parse(Required(form, prefix + "Timestamp"), CultureInfo.InvariantCulture);
            AddMetricPointsLocked($"{metricNamespace}|{name}|{Dimensions(form, prefix)}", (time, value));
        }

        return $"""
            <PutMetricDataResponse xmlns="{CwNs}"><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></PutMetricDataResponse>
            """;
    }

    private string GetMetricData(Dictionary<string, string> form)
    {
        Allow(form, "StartTime", "EndTime", "ScanBy", "NextToken", "MaxDatapoints",
            @"MetricDataQueries\.member\.\d+\.(Id|ReturnData|Label|Period|Expression)",
            @"MetricDataQueries\.member\.\d+\.MetricStat\.(Period|Stat|Unit)",
            @"MetricDataQueries\.member\.\d+\.MetricStat\.Metric\.(Namespace|MetricName)",
            @"MetricDataQueries\.member\.\d+\.MetricStat\.Metric\.Dimensions\.member\.\d+\.(Name|Value)");
        var start = DateTimeOffset.Parse(Required(form, "StartTime"), CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse(Required(form, "EndTime"), CultureInfo.InvariantCulture);
        var skip = form.TryGetValue("NextToken", out var token) ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var all = new List<(string Id, DateTimeOffset Time, double Value)>();
        var ids = new List<string>();
        for (var q = 1; form.TryGetValue($"MetricDataQueries.member.{q}.Id", out var id); q++)
        {
            var prefix = $"MetricDataQueries.member.{q}.MetricStat.";
            var key = $"{Required(form, prefix + "Metric.Namespace")}|{Required(form, prefix + "Metric.MetricName")}|{Dimensions(form, prefix + "Metric.")}";
            Required(form, prefix + "Period");
            Required(form, prefix + "Stat");
            ids.Add(id);
            all.AddRange((_metrics.GetValueOrDefault(key) ?? []).Where(p => p.Time >= start && p.Time < end).OrderBy(p => p.Time).Select(p => (id, p.Time, p.Value)));
        }

        var page = all.Skip(skip).Take(MetricPageSize).ToList();
        var next = skip + page.Count < all.Count ? $"<NextToken>{skip + page.Count}</NextToken>" : "";
        var members = string.Concat(ids.Select(id =>
        {
            var points = page.Where(p => p.Id == id).ToList();
            return $"""
                <member>
                  <Id>{id}</Id>
                  <Label>{id}</Label>
                  <StatusCode>{(next.Length > 0 ? "PartialData" : "Complete")}</StatusCode>
                  <Timestamps>{string.Concat(points.Select(p => $"<member>{p.Time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}</member>"))}</Timestamps>
                  <Values>{string.Concat(points.Select(p => $"<member>{p.Value.ToString("R", CultureInfo.InvariantCulture)}</member>"))}</Values>
                </member>
                """;
        }));
        return $"""
            <GetMetricDataResponse xmlns="{CwNs}">
              <GetMetricDataResult>
                <MetricDataResults>{members}</MetricDataResults>
                {next}
                <Messages/>
              </GetMetricDataResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </GetMetricDataResponse>
            """;
    }

    private void AddMetricPointsLocked(string key, (DateTimeOffset, double) point)
    {
        if (!_metrics.TryGetValue(key, out var list))
        {
            _metrics[key] = list = [];
        }

        list.Add(point);
    }

    private static string Dimensions(Dictionary<string, string> form, string prefix)
    {
        var dimensions = new List<string>();
        for (var d = 1; form.TryGetValue($"{prefix}Dimensions.member.{d}.Name", out var name); d++)
        {
            dimensions.Add($"{name}={Required(form, $"{prefix}Dimensions.member.{d}.Value")}");
        }

        return string.Join(',', dimensions.Order(StringComparer.Ordinal));
    }

    // ---- shared ----

    private static Dictionary<string, string> Form(string body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            form[Uri.UnescapeDataString(kv[0].Replace('+', ' '))] = Uri.UnescapeDataString((kv.Length > 1 ? kv[1] : "").Replace('+', ' '));
        }

        return form;
    }

    private static void Allow(Dictionary<string, string> form, params string[] patterns)
    {
        var unknown = form.Keys.Where(k => !patterns.Any(p => System.Text.RegularExpressions.Regex.IsMatch(k, $"^{p}$"))).ToList();
        if (unknown.Count > 0)
        {
            throw new FakeError(HttpStatusCode.BadRequest, "InvalidParameter", $"The parameter {unknown[0]} is not recognized");
        }
    }

    private static string Required(Dictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new FakeError(HttpStatusCode.BadRequest, "MissingParameter", $"The request must contain the parameter {name}");

    private static IEnumerable<string> Indexed(Dictionary<string, string> form, string format)
    {
        for (var i = 1; form.TryGetValue(string.Format(CultureInfo.InvariantCulture, format, i), out var value); i++)
        {
            yield return value;
        }
    }

    private static string? ScopeService(string? authorization)
    {
        var at = authorization?.IndexOf("Credential=", StringComparison.Ordinal) ?? -1;
        return at < 0 ? null : authorization![(at + 11)..].Split(',')[0].Split('/') is { Length: 5 } scope ? scope[3] : null;
    }

    /// <summary>EC2's error document, or the Query protocol's ErrorResponse for ELBv2 and CloudWatch.</summary>
    private static string ErrorXml(string? service, string type, string code, string message) => service == "ec2"
        ? $"""
          <?xml version="1.0" encoding="UTF-8"?>
          <Response><Errors><Error><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message></Error></Errors><RequestID>{Guid.NewGuid()}</RequestID></Response>
          """
        : $"""
          <ErrorResponse xmlns="{(service == "monitoring" ? CwNs : ElbNs)}">
            <Error><Type>{type}</Type><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message></Error>
            <RequestId>{Guid.NewGuid()}</RequestId>
          </ErrorResponse>
          """;

    private sealed class FakeInstance(string id, string imageId, string instanceType, IReadOnlyDictionary<string, string> launch)
    {
        public string Id { get; } = id;

        public string ImageId { get; } = imageId;

        public string InstanceType { get; } = instanceType;

        public IReadOnlyDictionary<string, string> Launch { get; } = launch;

        public string State { get; set; } = "pending";

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    }

    private sealed class FakeError(HttpStatusCode status, string code, string message) : Exception(message)
    {
        public HttpStatusCode Status { get; } = status;

        public string Code { get; } = code;
    }
}
