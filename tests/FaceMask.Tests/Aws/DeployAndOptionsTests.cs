using FaceMask.Grains.Fleet;
using FaceMask.Grains.Fleet.Aws;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FaceMask.Tests.Aws;

public sealed class DeployAndOptionsTests : IDisposable
{
    private readonly FakeAws _aws = new();
    private readonly FakeTimeProvider _clock = new(AwsTestServices.Start);

    public void Dispose() => _aws.Dispose();

    [Fact]
    public void TheDeployedCloudInitTemplateIsTheBuiltInOne() =>
        Assert.Equal(WorkerUserData.DefaultTemplate, File.ReadAllText(DeployFiles.Path("cloud-init", "worker.yaml")));

    [Fact]
    public void TheIamPolicyAllowsExactlyTheActionsTheCodeCalls() =>
        Assert.Equal(
            new[]
            {
                "cloudwatch:GetMetricData", "cloudwatch:PutMetricData",
                "ec2:CreateTags", "ec2:DescribeInstances", "ec2:RunInstances", "ec2:TerminateInstances",
                "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:RegisterTargets",
                "iam:PassRole",
            },
            DeployFiles.PolicyActions().Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("facemask-silo.service", "/opt/facemask/silo/FaceMask.Silo")]
    [InlineData("facemask-webfront.service", "/opt/facemask/webfront/FaceMask.WebFront")]
    public void SystemdUnitsReadTheEnvironmentFileTheUserDataWrites(string unit, string program)
    {
        var text = File.ReadAllText(DeployFiles.Path("systemd", unit));

        Assert.Contains("EnvironmentFile=/etc/facemask/facemask.env\n", text);
        Assert.Contains($"ExecStart={program}\n", text);
        Assert.Contains("User=facemask\n", text);
        Assert.Contains("- path: /etc/facemask/facemask.env", WorkerUserData.DefaultTemplate);
        Assert.Contains(unit, WorkerUserData.DefaultTemplate.Replace("{{SERVICES}}", "facemask-silo.service, facemask-webfront.service", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("plain", "K=\"plain\"")]
    [InlineData("Server=db;Password=p\"w$x`y\\z", "K=\"Server=db;Password=p\\\"w\\$x\\`y\\\\z\"")]
    [InlineData("", "K=\"\"")]
    public void EnvironmentValuesAreQuotedAndEscapedForSystemd(string value, string line) =>
        Assert.Equal(line, WorkerUserData.EnvLine("K", value));

    [Fact]
    public void KeysBecomeDoubleUnderscoreNamesAndControlCharactersAreRefused()
    {
        Assert.Equal("Fleet__Aws__Region=\"eu-west-1\"", WorkerUserData.EnvLine("Fleet:Aws:Region", "eu-west-1"));
        Assert.Contains("control character", Assert.Throws<InvalidOperationException>(() => WorkerUserData.EnvLine("K", "a\nb=c")).Message);
        Assert.False(WorkerUserData.IsPortableName("Logging:LogLevel:Microsoft.Hosting.Lifetime"));
    }

    [Fact]
    public void UserDataOverEc2sLimitIsRefusedWithTheFix()
    {
        using var services = AwsTestServices.Build(_aws, _clock, s => s["Detector:Huge"] = new string('x', WorkerUserData.MaxBytes));

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<WorkerUserData>().Render(new WorkerLaunch("worker-1-abcdef", "worker-1")));

        Assert.Contains("EC2 takes at most 16384", error.Message);
        Assert.Contains("Fleet:Aws:ForwardSections", error.Message);
    }

    [Fact]
    public void ADeregistrationDelayLongerThanTheFleetWatchesIsRefusedAtStart()
    {
        using var services = AwsTestServices.Build(_aws, _clock, s => s["Fleet:Aws:DeregistrationDelay"] = "00:05:00");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AwsProvisionerOptions>>().Value);

        Assert.Contains("Fleet:Aws:DeregistrationDelay (00:05:00) exceeds Fleet:DrainGrace + Fleet:StopTimeout (00:00:40)", error.Message);
    }

    [Theory]
    [InlineData("Fleet:Aws:Region", "", "Region")]
    [InlineData("Fleet:Aws:ImageId", "my-image", "Fleet:Aws:ImageId must look like ami-")]
    [InlineData("Fleet:Aws:Ec2ServiceUrl", "/relative", "Fleet:Aws:Ec2ServiceUrl must be an absolute http(s) URL.")]
    [InlineData("Fleet:Aws:TargetGroupArn", "facemask-targets", "Fleet:Aws:TargetGroupArn must be an ARN.")]
    public void BadSettingsFailWithAMessageNamingThem(string key, string value, string message)
    {
        using var services = AwsTestServices.Build(_aws, _clock, s => s[key] = value);

        var error = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IOptions<AwsProvisionerOptions>>().Value);

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void TheAwsProvisionerReplacesAnyOtherOne()
    {
        using var services = AwsTestServices.Build(_aws, _clock);

        Assert.IsType<Ec2WorkerProvisioner>(services.GetRequiredService<IWorkerProvisioner>());
    }
}
