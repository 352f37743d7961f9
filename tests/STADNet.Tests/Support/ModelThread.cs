namespace STADNet.Tests.Support;

/// <summary>Runs model code on a dedicated thread, as the product does: TorchSharp scopes are per thread.</summary>
public static class ModelThread
{
    public static Task<T> Run<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try { completion.SetResult(work()); }
            catch (Exception e) { completion.SetException(e); }
        }) { IsBackground = true }.Start();
        return completion.Task;
    }
}
