using System.ComponentModel.DataAnnotations;
using FaceMask.Grains.Scaling;

namespace FaceMask.Tests.Scaling;

public sealed class ScalerOptionsTests
{
    [Fact]
    public void TheWindowsDefaultToTheOriginalMinuteTwoMinutesAndTenMinutes()
    {
        var options = new ScalerOptions();

        Assert.Equal(TimeSpan.FromMinutes(1), options.Period);
        Assert.Equal(TimeSpan.FromMinutes(1), options.ArrivalWindow);
        Assert.Equal(TimeSpan.FromMinutes(2), options.CpuWindow);
        Assert.Equal(TimeSpan.FromMinutes(10), options.CapacityWindow);
        Assert.Empty(Validate(options));
    }

    [Fact]
    public void ATimeCompressedScalerIsValid()
    {
        var options = new ScalerOptions
        {
            Period = TimeSpan.FromSeconds(10),
            ArrivalWindow = TimeSpan.FromSeconds(10),
            CpuWindow = TimeSpan.FromSeconds(20),
            CapacityWindow = TimeSpan.FromSeconds(100),
        };

        Assert.Empty(Validate(options));
    }

    [Theory]
    [InlineData("ArrivalWindow", 0.5)]
    [InlineData("ArrivalWindow", 601)]
    [InlineData("CpuWindow", 0)]
    [InlineData("CpuWindow", 601)]
    [InlineData("CapacityWindow", 0)]
    public void AWindowOutOfRangeIsRejectedByName(string name, double seconds)
    {
        var options = new ScalerOptions();
        typeof(ScalerOptions).GetProperty(name)!.SetValue(options, TimeSpan.FromSeconds(seconds));

        var errors = Validate(options);

        var error = Assert.Single(errors);
        Assert.Contains("Scaler:" + name, error.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal([name], error.MemberNames);
    }

    private static List<ValidationResult> Validate(ScalerOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
