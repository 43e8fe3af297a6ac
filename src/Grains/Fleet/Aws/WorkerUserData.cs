using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceMask.Grains.Fleet.Aws;

/// <summary>
/// The cloud-init user data of one worker: the template with the worker's name and id and the forwarded cluster
/// configuration, as a systemd environment file, and the services to start. User data is not secret (anyone allowed
/// ec2:DescribeInstanceAttribute, and every process on the instance, can read it): keep passwords out of the
/// forwarded sections (deploy/README.md).
/// </summary>
public sealed class WorkerUserData(IOptions<AwsProvisionerOptions> options, IConfiguration configuration, ILogger<WorkerUserData> logger)
{
    /// <summary>EC2's limit on user data before base64.</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>The built-in template; deploy/cloud-init/worker.yaml holds the same text (a test keeps them equal).</summary>
    public const string DefaultTemplate =
        """
        #cloud-config
        # FaceMask worker user data, rendered by the EC2 provisioner for one worker. The AMI carries the programs
        # under /opt/facemask and the systemd units of deploy/systemd; this writes the worker's settings and starts it.
        write_files:
          - path: /etc/facemask/facemask.env
            owner: root:facemask
            permissions: '0640'
            content: |
              # Worker {{WORKER_NAME}} ({{WORKER_ID}})
              {{ENVIRONMENT}}
        runcmd:
          # Silo-to-silo traffic goes to the private address (IMDSv2).
          - [sh, -c, 'token=$(curl -sf -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" http://169.254.169.254/latest/api/token) && echo "Worker__Address=$(curl -sf -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/local-ipv4)" >> /etc/facemask/facemask.env']
          - [systemctl, enable, --now, {{SERVICES}}]

        """;

    private static readonly string[] DefaultSections = ["Cluster", "Detector", "Fleet", "WorkerMetrics", "Scaler", "Logging", "Worker", "Storage", "Uploads", "Accounts"];

    // Per worker, or meaningful only on the machine that set them.
    private static readonly HashSet<string> SkippedKeys = new(
        ["Worker:Name", "Worker:Id", "Worker:ParentProcessId", "Worker:Address", "WorkerMetrics:WorkerId", "WorkerMetrics:CpuCores", "Cluster:StartWorker"],
        StringComparer.OrdinalIgnoreCase);

    public string Render(WorkerLaunch launch)
    {
        var settings = options.Value;
        var template = settings.UserDataTemplatePath is { } path ? File.ReadAllText(path) : DefaultTemplate;
        var environment = new List<string> { EnvLine("Worker:Name", launch.Name), EnvLine("Worker:Id", launch.WorkerId) };
        foreach (var section in settings.ForwardSections ?? DefaultSections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable(makePathsRelative: false).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (value is null || SkippedKeys.Contains(key))
                {
                    continue;
                }

                if (!IsPortableName(key))
                {
                    // systemd and shells disagree on names with other characters (e.g. a logging category with dots).
                    logger.LogWarning("Configuration key {Key} is not passed to {Worker}: not a portable environment variable name", key, launch.Name);
                    continue;
                }

                environment.Add(EnvLine(key, value));
            }
        }

        var runWebFront = settings.RunWebFront ?? settings.TargetGroupArn is not null;
        var services = runWebFront ? "facemask-silo.service, facemask-webfront.service" : "facemask-silo.service";
        var text = new StringBuilder();
        foreach (var line in template.Split('\n'))
        {
            if (line.Trim() == "{{ENVIRONMENT}}")
            {
                var indent = line[..line.IndexOf('{', StringComparison.Ordinal)];
                foreach (var entry in environment)
                {
                    text.Append(indent).Append(entry).Append('\n');
                }

                continue;
            }

            text.Append(line
                .Replace("{{WORKER_NAME}}", Plain(launch.Name), StringComparison.Ordinal)
                .Replace("{{WORKER_ID}}", Plain(launch.WorkerId), StringComparison.Ordinal)
                .Replace("{{SERVICES}}", services, StringComparison.Ordinal)).Append('\n');
        }

        var rendered = text.ToString(0, text.Length - 1);
        var size = Encoding.UTF8.GetByteCount(rendered);
        return size <= MaxBytes
            ? rendered
            : throw new InvalidOperationException(
                $"The user data of {launch.Name} is {size} bytes; EC2 takes at most {MaxBytes}. Forward fewer sections (Fleet:Aws:ForwardSections).");
    }

    /// <summary>
    /// KEY="value" for a systemd EnvironmentFile: ':' in keys becomes '__' (.NET's environment configuration), and
    /// in the double-quoted value \ " $ ` are escaped; control characters (a newline would end the entry) are refused.
    /// </summary>
    public static string EnvLine(string key, string value)
    {
        var name = key.Replace(":", "__", StringComparison.Ordinal);
        if (!IsPortableName(key))
        {
            throw new InvalidOperationException($"Configuration key '{key}' cannot be passed through the environment.");
        }

        if (value.Any(char.IsControl))
        {
            throw new InvalidOperationException($"Configuration value of '{key}' holds a control character and cannot be written to the environment file.");
        }

        var escaped = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '\\' or '"' or '$' or '`')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return $"{name}={escaped.Append('"')}";
    }

    /// <summary>Letters, digits and '_' (':' becomes "__"), not starting with a digit: valid for systemd and POSIX shells alike.</summary>
    public static bool IsPortableName(string key) =>
        key.Length > 0 && !char.IsAsciiDigit(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    private static string Plain(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? value
            : throw new InvalidOperationException($"'{value}' is not a plain worker name or id.");
}
