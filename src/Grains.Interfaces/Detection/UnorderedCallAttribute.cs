using Orleans.CodeGeneration;

namespace FaceMask.Grains.Detection;

/// <summary>
/// Marks a grain method whose calls may go through any gateway: the Orleans client then sends each call to the next
/// live gateway in turn instead of pinning every grain key to the gateway it first used. A [StatelessWorker] grain type
/// carries the "unordered" property meant to do this, but the 10.x client never puts it on the request; without this
/// attribute a worker that joins later gets only the keys WebFront had not used yet (a few percent of the detections).
/// </summary>
[InvokableCustomInitializer(nameof(IRequest.AddInvokeMethodOptions), InvokeMethodOptions.Unordered)]
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnorderedCallAttribute : Attribute;
