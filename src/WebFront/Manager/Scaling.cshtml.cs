using System.Globalization;
using FaceMask.Grains.Scaling;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Manager;

/// <summary>
/// The scaler's page: the policy form (messages next to each field, from the policy grain's rules), the scaler's
/// switch, the decision log newest first, and "what if": the simulator on a trace with the form's values, unsaved.
/// </summary>
public sealed class ScalingModel(IClusterClient cluster) : PageModel
{
    public const int PageSize = 20;

    public static readonly IReadOnlyList<string> TraceNames = ["original", "sine", "spike"];

    /// <summary>What the form shows: the saved policy, or what was just typed when it is sent back with messages.</summary>
    public IReadOnlyDictionary<string, string> Form { get; private set; } = new Dictionary<string, string>();

    public ILookup<string, string> Errors { get; private set; } = Array.Empty<PolicyError>().ToLookup(e => e.Field, e => e.Message);

    public ScalerStatus Status { get; private set; } = null!;

    public DecisionPage Decisions { get; private set; } = new(0, []);

    public int PageNumber { get; private set; } = 1;

    public int PageCount => Math.Max(1, (Decisions.Total + PageSize - 1) / PageSize);

    public string Trace { get; private set; } = "original";

    public SimulationReport? WhatIf { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? p)
    {
        PageNumber = Math.Max(1, p ?? 1);
        Form = PolicyInput.Texts(await Policy.GetAsync());
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync()
    {
        var parsed = ParseForm();
        if (parsed.Policy is null)
        {
            return await RefuseAsync(parsed.Errors);
        }

        var update = await Policy.UpdateAsync(parsed.Policy);
        if (!update.Saved)
        {
            return await RefuseAsync(update.Errors);
        }

        TempData["Message"] = "Scaling policy saved.";
        return RedirectToPage();
    }

    /// <summary>Runs the simulator with the form's values; nothing is saved.</summary>
    public async Task<IActionResult> OnPostWhatIfAsync(string? trace)
    {
        var parsed = ParseForm();
        Trace = trace ?? "";
        if (!TraceNames.Contains(Trace))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Error = $"Choose a trace: {string.Join(", ", TraceNames)}.";
            return await ShowTypedAsync(parsed.Errors);
        }

        var errors = parsed.Policy is null ? parsed.Errors : PolicyRules.Validate(parsed.Policy);
        if (errors.Count > 0)
        {
            return await ShowTypedAsync(errors);
        }

        WhatIf = await cluster.GetGrain<ISimulatorGrain>(0).RunAsync(new SimulationRequest(Trace, parsed.Policy!));
        return await ShowTypedAsync([]);
    }

    public async Task<IActionResult> OnPostEnableAsync()
    {
        await Scaler.EnableAsync();
        TempData["Message"] = "The scaler is on.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        await Scaler.DisableAsync();
        TempData["Message"] = "The scaler is off.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostTickAsync()
    {
        var decision = await Scaler.TickAsync();
        TempData["Message"] = $"Tick {decision.Sequence}: {decision.Action} {decision.Count} ({decision.Rule}).";
        return RedirectToPage();
    }

    public static string Num(double? value, string format = "0.##") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    private IPolicyGrain Policy => cluster.GetGrain<IPolicyGrain>(ScalingKeys.Default);

    private IScalerGrain Scaler => cluster.GetGrain<IScalerGrain>(ScalingKeys.Default);

    private PolicyInput.Parsed ParseForm()
    {
        Form = PolicyInput.Fields.ToDictionary(f => f.Field, f => Request.Form[f.Field].ToString());
        return PolicyInput.FromTexts(f => Request.Form[f].ToString());
    }

    private async Task<IActionResult> RefuseAsync(IReadOnlyList<PolicyError> errors)
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Error = "The policy was not saved: correct the fields marked below.";
        return await ShowTypedAsync(errors);
    }

    private async Task<IActionResult> ShowTypedAsync(IReadOnlyList<PolicyError> errors)
    {
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Error ??= "Correct the fields marked below.";
        }

        Errors = errors.ToLookup(e => e.Field, e => e.Message);
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Status = await Scaler.StatusAsync();
        Decisions = await Scaler.DecisionsAsync((PageNumber - 1) * PageSize, PageSize);
    }
}
